import { createHash } from 'node:crypto'

/**
 * Splitting JSON-lines files into lines, on bytes. A line is only decoded when
 * it is at most `MAX_LINE_BYTES` long: a longer one (a corrupt file, a runaway
 * writer) is counted and passed over without ever becoming a string, so it
 * cannot exhaust memory or hit V8's string length limit.
 */

/** Longest line decoded, in bytes: far above any real record (about 1.2 KB per test and run). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024

/** Where a line is in its file: byte offset of its first byte and its length in bytes (without the `\n`). */
export interface LinePlace {
  number: number
  terminated: boolean
  start: number
  bytes: number
  /** SHA-1 of the line's bytes (first 16 hex digits), when the splitter was asked for it and the line is within the cap. */
  hash?: string
}

export type RawLine =
  /** A line within the cap, decoded as UTF-8 (invalid bytes become U+FFFD), without leading byte-order marks. */
  | (LinePlace & { text: string })
  /** A line over the cap: only its length is known. */
  | (LinePlace & { tooLong: number })

const NEWLINE = 0x0a

/**
 * Cuts a stream of chunks into lines. `push` each chunk as it arrives, then `end`.
 * Lines are numbered from 1; `terminated` is false for a last line without `\n`.
 * An unfinished line is kept as its pieces and joined once its end arrives
 * (linear in its length), and dropped as soon as it grows past the cap.
 */
export class LineSplitter {
  private pieces: Buffer[] = []
  private bytes = 0
  private tooLong = false
  private count = 0
  private offset = 0

  /**
   * `first` numbers the lines from another line than 1 and `offset` places them from another byte
   * than 0 (for a file read from the middle); `hash` adds each line's `hash`.
   */
  constructor(
    private readonly maxBytes = MAX_LINE_BYTES,
    options: { first?: number; offset?: number; hash?: boolean } = {},
  ) {
    this.count = (options.first ?? 1) - 1
    this.offset = options.offset ?? 0
    this.hashing = options.hash ?? false
  }

  private readonly hashing: boolean

  /** The lines that `chunk` completes. */
  *push(chunk: Buffer): Generator<RawLine> {
    let start = 0
    let nl: number
    while ((nl = chunk.indexOf(NEWLINE, start)) !== -1) {
      this.take(chunk.subarray(start, nl))
      yield this.finish(true)
      start = nl + 1
    }
    if (start < chunk.length) this.take(chunk.subarray(start))
  }

  /** The last line, when the input does not end with `\n`. */
  *end(): Generator<RawLine> {
    if (this.bytes > 0) yield this.finish(false)
  }

  private take(piece: Buffer): void {
    this.bytes += piece.length
    if (this.tooLong) return
    if (this.bytes > this.maxBytes) {
      this.tooLong = true
      this.pieces = []
    } else if (piece.length > 0) this.pieces.push(piece)
  }

  private finish(terminated: boolean): RawLine {
    const number = ++this.count
    const place: LinePlace = { number, terminated, start: this.offset, bytes: this.bytes }
    this.offset += this.bytes + (terminated ? 1 : 0)
    let line: RawLine
    if (this.tooLong) line = { ...place, tooLong: this.bytes }
    else {
      const buffer = Buffer.concat(this.pieces, this.bytes)
      if (this.hashing) place.hash = lineHash(buffer)
      line = { ...place, text: withoutBom(buffer.toString('utf8')) }
    }
    this.pieces = []
    this.bytes = 0
    this.tooLong = false
    return line
  }
}

/** The first 16 hex digits of the SHA-1 of a line's bytes: how the history index recognises a line. */
export function lineHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 16)
}

/** Every line of a whole buffer (a small file read at once). */
export function* linesOf(buffer: Buffer, maxBytes = MAX_LINE_BYTES): Generator<RawLine> {
  const splitter = new LineSplitter(maxBytes)
  yield* splitter.push(buffer)
  yield* splitter.end()
}

/** An editor, or `cat` of files that each start with one, can leave byte-order marks at the start of any line. */
export function withoutBom(text: string): string {
  let start = 0
  while (text.charCodeAt(start) === 0xfeff) start++
  return start === 0 ? text : text.slice(start)
}
