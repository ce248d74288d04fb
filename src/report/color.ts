import { createColors } from 'picocolors'

/** picocolors' functions (`red`, `dim`, `bold`...), on or off. */
export type Colors = ReturnType<typeof createColors>

/**
 * Whether to colour terminal output: `NO_COLOR` (any value) turns colour off,
 * `FORCE_COLOR` (other than `0` or `false`) turns it on, otherwise colour is
 * used on a terminal that is not `dumb`. The caller passes the environment and
 * whether the stream is a TTY; nothing is read at import time.
 */
export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  return isTTY && env.TERM !== 'dumb'
}

/** Colour functions that paint when `enabled`, and return their text unchanged otherwise (for files). */
export function palette(enabled: boolean): Colors {
  return createColors(enabled)
}

/**
 * The colours for text written to `stream` (`process.stdout`, `process.stderr`), decided
 * when called, from whether the stream is a TTY and from `env` (see {@link colorEnabled}).
 * The one place the package decides colour: `isColorSupported` says what was decided.
 */
export function colors(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): Colors {
  return palette(colorEnabled(env, Boolean(stream.isTTY)))
}
