import path from 'node:path'

/** A store problem that stops an operation (unreadable or unwritable file). */
export class StoreError extends Error {
  override name = 'StoreError'
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A line of the store that was skipped while reading, with why. */
export interface StoreWarning {
  file: string
  /** 1-based line number. */
  line: number
  message: string
  /**
   * How many skipped lines this warning stands for, when it sums up the bad lines after
   * the first few of a file (from `line` on); absent for a warning about one line.
   */
  count?: number
}

/** `real` is the file `file` leads to, when symbolic links were followed to get there. */
export function explain(error: unknown, file: string, doing: string, real?: string): StoreError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const hint =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? 'check that the file and its folder are writable, or set the `store` option to a writable path'
      : code === 'ENOSPC' || code === 'EDQUOT'
        ? 'the disk is full; free some space (the history already stored is intact)'
        : code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST'
          ? 'the `store` option must name a file, and every part of its folder must be a folder'
          : code === 'ELOCKED'
            ? `another process held the store lock for too long; if none is running, delete the folder ${real ?? file}.lock`
            : 'see the cause below'
  const reason = error instanceof Error ? error.message : String(error)
  const via = real !== undefined && real !== path.resolve(file) ? ` (a link to ${real})` : ''
  return new StoreError(`perf-regression: cannot ${doing} ${file}${via}: ${reason} (${hint})`, file, { cause: error })
}
