/**
 * Replacing a file atomically, and cleaning up after writers that died.
 *
 * The one writer of whole files: the store's rewrites (compact, prune, merge)
 * and the report files. New content goes to a temporary file next to the real
 * file (symbolic links followed), is synced, and is renamed over it; the folder
 * is synced after. A temporary file is named `.<name>.<pid>.<12 hex>.tmp`, so a
 * later writer can tell ours from anything else and sweep the ones whose
 * process is gone.
 */
import { randomBytes } from 'node:crypto'
import { lstat, open, readdir, readlink, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { formatBytes, plural } from './format.js'
import { quote } from './values.js'

/** A temporary file this old is stale even when a process with its pid is running (the pid may have been reused). */
export const STALE_TEMP_MS = 3_600_000

/** Sweeps that free at least this much say so. */
export const SWEEP_NOTICE_BYTES = 1 << 20

/** `file` is a symbolic link (possibly through further links) to `target`, which does not exist. */
export class DanglingLinkError extends Error {
  override name = 'DanglingLinkError'
  constructor(
    readonly link: string,
    readonly target: string,
  ) {
    super(`${link} is a symbolic link to ${target}, which does not exist`)
  }
}

/** The new file is in place, but its folder could not be synced: a crash now could undo the rename. */
export class FolderSyncError extends Error {
  override name = 'FolderSyncError'
  constructor(
    readonly folder: string,
    options: { cause: unknown },
  ) {
    super(`could not sync the folder ${folder} after the rename (${(options.cause as Error).message}); the new content is in place, but a crash now could undo it`, options)
  }
}

/**
 * The file that writing to `file` must change: symbolic links of the file and
 * of its folders followed. A missing file resolves inside the real path of its
 * folder, which must exist. A link to nothing is a `DanglingLinkError` naming
 * where the last link points.
 */
export async function resolveTarget(file: string): Promise<string> {
  const absolute = path.resolve(file)
  try {
    return await realpath(absolute)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const target = await danglingTarget(absolute)
  if (target !== undefined) throw new DanglingLinkError(absolute, target)
  return path.join(await realpath(path.dirname(absolute)), path.basename(absolute))
}

/** Where a chain of links starting at `file` ends, when it ends at nothing; undefined when `file` is not a link. */
async function danglingTarget(file: string): Promise<string | undefined> {
  let current = file
  for (let hops = 0; hops <= 40; hops++) {
    const stats = await lstat(current).catch(missing)
    if (stats === undefined || !stats.isSymbolicLink()) return hops === 0 ? undefined : current
    current = path.resolve(path.dirname(current), await readlink(current))
  }
  throw Object.assign(new Error(`too many levels of symbolic links at ${file}`), { code: 'ELOOP' })
}

function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined
  throw error
}

/** A fresh temporary name next to `file`: `.<name>.<pid>.<12 hex>.tmp`. */
export function tempPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
}

/**
 * The pid in `name` when it is one of our temporary files for a file named
 * `base`, else undefined. Also matches `<base>.<pid>.tmp`, the name earlier
 * versions gave report files while writing them. Nothing else matches.
 */
export function tempOwner(name: string, base: string): number | undefined {
  if (!name.endsWith('.tmp')) return undefined
  const current = name.startsWith(`.${base}.`) ? /^([1-9][0-9]{0,9})\.[0-9a-f]{12}$/.exec(name.slice(base.length + 2, -4)) : null
  const legacy = name.startsWith(`${base}.`) ? /^([1-9][0-9]{0,9})$/.exec(name.slice(base.length + 1, -4)) : null
  const match = current ?? legacy
  return match ? Number(match[1]) : undefined
}

/**
 * Replaces `file` (the real file, symbolic links followed) with `data`. A reader
 * sees the old content or the new, never a mix; on any failure the temporary
 * file is removed and the original is untouched. An existing file keeps its
 * permission bits. Throws `FolderSyncError` when only the final sync failed.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const target = await resolveTarget(file)
  const mode = await stat(target).then((s) => s.mode & 0o7777, missing)
  const temp = tempPath(target)
  let handle: FileHandle | undefined
  let created = false
  try {
    handle = await open(temp, 'wx', mode ?? 0o666)
    created = true
    await handle.writeFile(data)
    if (mode !== undefined) await handle.chmod(mode)
    await handle.sync()
    const done = handle
    handle = undefined
    await done.close()
    await rename(temp, target)
  } catch (error) {
    await discard(error, handle, created ? temp : undefined)
    throw error
  }
  await syncFolder(path.dirname(target))
}

/** Closes and removes what a failed write left; when that fails too, both failures are thrown together (with the first one's code). */
async function discard(error: unknown, handle: FileHandle | undefined, temp: string | undefined): Promise<void> {
  const undo: Error[] = []
  if (handle) await handle.close().catch((e: Error) => undo.push(e))
  if (temp) await unlink(temp).catch((e: NodeJS.ErrnoException) => e.code === 'ENOENT' || undo.push(e))
  if (undo.length > 0) {
    const reason = error instanceof Error ? error.message : String(error)
    const both = new AggregateError([error, ...undo], `${reason}; removing the temporary file ${temp} also failed (${undo[0]!.message}); a later write removes it once this process has ended`)
    throw Object.assign(both, { code: (error as NodeJS.ErrnoException | undefined)?.code })
  }
}

/** Makes a rename durable. Some platforms (Windows) and file systems cannot sync a folder; that is not an error. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r').catch(unsupported)
    if (handle) await handle.sync().catch(unsupported).finally(() => handle.close())
  } catch (error) {
    throw new FolderSyncError(dir, { cause: error })
  }
}

function unsupported(error: NodeJS.ErrnoException): undefined {
  if (['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EBADF'].includes(error.code ?? '')) return undefined
  throw error
}

/** Whether a process with this pid runs (one of another user counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ESRCH') return false
    if (code === 'EPERM') return true
    throw error
  }
}

export interface SweepResult {
  /** Temporary files removed, absolute. */
  removed: string[]
  /** Their total size. */
  bytes: number
  /** Stale temporary files that could not be removed (or the folder, when it could not be listed), with why. */
  failed: { file: string; reason: string; listing?: true }[]
}

export interface SweepOptions {
  /** @default Date.now() */
  now?: number
  /** @default processAlive */
  alive?: (pid: number) => boolean
}

/**
 * Removes the temporary files of `file` (same folder, our exact name pattern,
 * regular files only) whose process is gone or that are older than an hour.
 * Never removes anything else. Failures to remove are returned, not thrown.
 */
export async function sweepStaleTemps(file: string, options: SweepOptions = {}): Promise<SweepResult> {
  const dir = path.dirname(file)
  const base = path.basename(file)
  const now = options.now ?? Date.now()
  const alive = options.alive ?? processAlive
  const result: SweepResult = { removed: [], bytes: 0, failed: [] }
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') result.failed.push({ file: dir, reason: (error as Error).message, listing: true })
    return result
  }
  for (const name of names) {
    const pid = tempOwner(name, base)
    if (pid === undefined) continue
    const temp = path.join(dir, name)
    try {
      const stats = await lstat(temp).catch(missing)
      if (!stats?.isFile()) continue
      if (alive(pid) && now - stats.mtimeMs <= STALE_TEMP_MS) continue
      // Another writer sweeping at the same moment may have been first.
      if ((await unlink(temp).then(() => true, missing)) !== true) continue
      result.removed.push(temp)
      result.bytes += stats.size
    } catch (error) {
      result.failed.push({ file: temp, reason: (error as Error).message })
    }
  }
  return result
}

/**
 * What a sweep has to say, without the `perf-regression:` prefix: how much it
 * freed, when that is at least `SWEEP_NOTICE_BYTES`; and one line per file it
 * could not remove. Paths and reasons are quoted with control characters escaped.
 */
export function describeSweep(result: SweepResult): { freed: string | undefined; failures: string[] } {
  const n = result.removed.length
  const freed =
    result.bytes >= SWEEP_NOTICE_BYTES
      ? `removed ${plural(n, 'temporary file')} left by interrupted writes in ${quote(path.dirname(result.removed[0]!))} (${formatBytes(result.bytes)} freed)`
      : undefined
  const failures = result.failed.map((f) => `cannot ${f.listing ? 'look for stale temporary files in' : 'remove the stale temporary file'} ${quote(f.file)}: ${quote(f.reason)}`)
  return { freed, failures }
}
