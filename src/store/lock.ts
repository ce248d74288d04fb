import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import lockfile from 'proper-lockfile'
import { DanglingLinkError, describeSweep, resolveTarget, sweepStaleTemps } from '../util/atomic.js'
import { explain, StoreError } from './errors.js'

const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 100, factor: 1.3, minTimeout: 10, maxTimeout: 250, randomize: true },
} as const

/**
 * Runs `fn` on the store's real file (symbolic links followed; see
 * `resolveStore`) while holding its lock, after sweeping the temporary files
 * that dead writers left next to it. Every write of the store goes through
 * here. Creates the store's folder when it is missing. With `wait: false`, a lock
 * held by another process is an ELOCKED StoreError at once.
 */
export async function withStoreLock<T>(file: string, fn: (real: string) => Promise<T>, options: { wait?: boolean } = {}): Promise<T> {
  try {
    await mkdir(path.dirname(file), { recursive: true })
  } catch (error) {
    throw explain(error, file, 'create the folder of the history store')
  }
  const real = await resolveStore(file)
  const release = await lock(file, real, options.wait ?? true)
  let result: T
  try {
    const { freed, failures } = describeSweep(await sweepStaleTemps(real))
    if (freed) process.stderr.write(`perf-regression: ${freed}\n`)
    for (const failure of failures) process.stderr.write(`perf-regression: warning: ${failure}\n`)
    result = await fn(real)
  } catch (error) {
    // The operation's own error is the one to report; a lock left behind is only mentioned.
    await release().catch((undo: unknown) => process.stderr.write(`${explain(undo, file, 'unlock the history store', real).message}\n`))
    throw error
  }
  try {
    await release()
  } catch (error) {
    throw explain(error, file, 'unlock the history store', real)
  }
  return result
}

/**
 * The file a write to the store changes: `file` with symbolic links (of the
 * file and of its folders) followed, so rewrites replace the real file and keep
 * the link. A link to nothing is a StoreError that says where it points.
 */
export async function resolveStore(file: string): Promise<string> {
  try {
    return await resolveTarget(file)
  } catch (error) {
    if (error instanceof DanglingLinkError) {
      throw new StoreError(
        `perf-regression: the history store ${file} is a symbolic link to ${error.target}, which does not exist: create that file (an empty file is an empty store), point the link at the store, or remove the link to keep the store at ${file}`,
        file,
        { cause: error },
      )
    }
    throw explain(error, file, 'find the real file of the history store')
  }
}

/**
 * Takes the lock of the store's real file. Only a lock held by another writer
 * (ELOCKED) is waited for; any other error (a read-only or full file system)
 * fails at once.
 */
async function lock(file: string, real: string, patient: boolean): Promise<() => Promise<void>> {
  const { retries, ...options } = LOCK_OPTIONS
  let wait: number = retries.minTimeout
  for (let attempt = 0; ; attempt++) {
    try {
      return await lockfile.lock(real, { ...options, retries: 0 })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED' || attempt >= (patient ? retries.retries : 0)) {
        throw explain(error, file, 'lock the history store', real)
      }
      await new Promise((resolve) => setTimeout(resolve, wait * (retries.randomize ? 1 + Math.random() : 1)))
      wait = Math.min(wait * retries.factor, retries.maxTimeout)
    }
  }
}
