/**
 * Somewhere text is written: `process.stdout`, `process.stderr`, or a capture in tests.
 * `isTTY` decides colour (see `colors()`); a capture without it gets none.
 */
export interface TextOutput {
  write(text: string): unknown
  readonly isTTY?: boolean
}
