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
