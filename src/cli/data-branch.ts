/**
 * `perf-regression sync pull|push`: the history store kept on a git branch of
 * the user's repository (`perf-data` by default), merged by record id both
 * ways, so no job ever loses a record another job pushed.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { gitInfo } from '../env/environment.js'
import { printable } from '../report/printable.js'
import { dropIndex, StoreError, withStoreLock } from '../store/store.js'
import { writeFileAtomic } from '../util/atomic.js'
import { plural } from '../util/format.js'
import { mergeContents, parseContent, type InvalidLine, type StoreContent } from './data-branch-content.js'
import { checkNames, GitError, realGit, repositoryRoot, type DataBranch, type DataBranchGit } from './data-branch-git.js'
import { configFor, parse, STORE_OPTIONS } from './common.js'
import type { CommandContext, TextOutput } from './context.js'

export const SYNC_HELP = `Usage: perf-regression sync <pull|push> [options]

Keeps the history store on a git branch of this repository, without touching
the working tree, the index or the current branch.

  pull   Fetches the branch and merges its records into the local store. A
         branch that does not exist yet is an empty history; records that are
         only in the local store are kept.
  push   Merges the local store's records with the branch's (by record id) and
         pushes one commit. When another job pushed first, it fetches, merges
         and tries again, up to --retries times, after a growing random pause.

Options:
  --branch <name>   The data branch (default: perf-data)
  --remote <name>   The remote (default: origin)
  --path <path>     The store's path inside the branch (default: its path from
                    the top folder of the repository, .perf/benchmarks.jsonl)
  --retries <n>     Attempts after a rejected push (default: 5)
  --store <file>    The local store (default: the store option)

Exit codes: 0 done (or nothing to do), 2 a usage, git or store error.
`

export const SYNC_DEFAULTS = { branch: 'perf-data', remote: 'origin', retries: 5 } as const

/** What `sync` takes from the process, each replaceable in tests. */
export interface SyncDeps {
  git: DataBranchGit
  /** Waits between push attempts. */
  sleep: (ms: number) => Promise<void>
  /** A number in [0, 1) for the jitter of the pause. @default Math.random */
  random: () => number
  /** Pause before the first retry, in ms; it doubles each time, times a random factor from 0.5 to 1.5. @default 1000 */
  backoffMs: number
}

const defaultDeps = (): SyncDeps => ({
  git: realGit,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  backoffMs: 1000,
})

/** Bad lines of a file listed one by one; the rest are counted. */
const LISTED = 5

function reportInvalid(lines: readonly InvalidLine[], where: string, what: string, stderr: TextOutput): void {
  for (const l of lines.slice(0, LISTED)) stderr.write(`perf-regression: warning: ${printable(`${where}:${l.line}: ${l.message}`)}; ${what}\n`)
  if (lines.length > LISTED) stderr.write(`perf-regression: warning: ${printable(where)}: ${lines.length - LISTED} more lines that are not valid records either; ${what}\n`)
}

function reportConflicts(ids: readonly string[], kept: string, stderr: TextOutput): void {
  if (ids.length === 0) return
  stderr.write(`perf-regression: warning: ${plural(ids.length, 'record')} share an id with a different copy; the copy ${kept} was kept: ${printable(ids.slice(0, 5).join(', '))}\n`)
}

async function readLocal(real: string, storePath: string): Promise<Buffer> {
  try {
    return await readFile(real)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw new StoreError(`perf-regression: cannot read the history store ${storePath}: ${(error as Error).message}`, storePath, { cause: error })
  }
}

/** The store's path inside the branch: `--path`, else its path from the repository's top folder. */
function pathInBranch(given: string | undefined, root: string, storePath: string): string {
  const file = given ?? path.relative(root, storePath).split(path.sep).join('/')
  const parts = file.split('/')
  if (file === '' || path.isAbsolute(file) || parts.some((p) => p === '' || p === '.' || p === '..') || /[\p{Cc}\\]/u.test(file)) {
    throw new GitError(
      given === undefined
        ? `the store ${storePath} is outside the repository ${root}: name its place in the branch with --path, like --path benchmarks.jsonl`
        : `--path must be a relative path inside the branch, like .perf/benchmarks.jsonl (got ${JSON.stringify(given)})`,
    )
  }
  return file
}

/** `perf: 3 runs from abc1234 (main)`. */
export function commitMessage(added: { runs: number; events: number }, git: { commit?: string; branch?: string }): string {
  const what = [added.runs > 0 ? plural(added.runs, 'run') : '', added.events > 0 ? plural(added.events, 'baseline event') : ''].filter(Boolean).join(' and ')
  const from = git.commit ? ` from ${git.commit.slice(0, 7)}${git.branch ? ` (${git.branch})` : ''}` : git.branch ? ` from ${git.branch}` : ''
  return printable(`perf: ${what}${from}`)
}

export async function sync(args: string[], ctx: CommandContext, deps: Partial<SyncDeps> = {}): Promise<number> {
  const [action, ...rest] = args
  const { values } = parse(`sync ${action ?? ''}`.trim(), rest, {
    ...STORE_OPTIONS,
    branch: { type: 'string' },
    remote: { type: 'string' },
    path: { type: 'string' },
    retries: { type: 'string' },
  })
  if (values.help || action === undefined || action === '--help' || action === '-h') {
    ctx.stdout.write(SYNC_HELP)
    return action === undefined ? 2 : 0
  }
  if (action !== 'pull' && action !== 'push') {
    ctx.stderr.write(`perf-regression: unknown sync action ${printable(JSON.stringify(action))}: use sync pull or sync push\n\n${SYNC_HELP}`)
    return 2
  }
  const retries = values.retries === undefined ? SYNC_DEFAULTS.retries : Number(values.retries)
  if (!Number.isInteger(retries) || retries < 0 || retries > 100) {
    ctx.stderr.write(`perf-regression: --retries must be a whole number from 0 to 100 (got ${printable(JSON.stringify(values.retries))})\n`)
    return 2
  }
  const { storePath } = configFor(ctx, { store: values.store })
  const all = { ...defaultDeps(), ...deps }
  try {
    const root = await repositoryRoot(ctx.cwd, ctx.env)
    const at: DataBranch = { root, env: ctx.env, remote: values.remote ?? SYNC_DEFAULTS.remote, branch: values.branch ?? SYNC_DEFAULTS.branch }
    await checkNames(at)
    const file = pathInBranch(values.path, root, storePath)
    return action === 'pull' ? await pull(at, file, storePath, ctx, all) : await push(at, file, storePath, retries, ctx, all)
  } catch (error) {
    if (!(error instanceof GitError)) throw error
    ctx.stderr.write(`perf-regression: sync ${action}: ${printable(error.message)}\n`)
    return 2
  }
}

async function branchContent(at: DataBranch, tip: string | undefined, file: string, deps: SyncDeps): Promise<{ content: StoreContent; found: boolean }> {
  const data = tip === undefined ? undefined : await deps.git.read(at, tip, file)
  return { content: data === undefined ? { records: [], invalid: [] } : parseContent(data), found: data !== undefined }
}

async function pull(at: DataBranch, file: string, storePath: string, ctx: CommandContext, deps: SyncDeps): Promise<number> {
  const name = `${at.remote}/${at.branch}`
  const tip = await deps.git.fetch(at)
  const { content, found } = await branchContent(at, tip, file, deps)
  reportInvalid(content.invalid, `${name}:${file}`, 'kept as it is', ctx.stderr)
  const result = await withStoreLock(storePath, async (real) => {
    const before = await readLocal(real, storePath)
    const merged = mergeContents(content, parseContent(before), { keepIncomingInvalid: true })
    if (merged.records === 0 && merged.invalid === 0 && before.length === 0) return { merged, wrote: false }
    if (merged.data.equals(before)) return { merged, wrote: false }
    try {
      await dropIndex(real)
      await writeFileAtomic(real, merged.data)
    } catch (error) {
      throw new StoreError(`perf-regression: cannot write the history store ${storePath}: ${(error as Error).message} (the store is unchanged)`, storePath, { cause: error })
    }
    return { merged, wrote: true }
  })
  reportConflicts(result.merged.conflicts, `from ${name}`, ctx.stderr)
  const { merged } = result
  const local = merged.added.runs + merged.added.events
  const where = printable(storePath)
  if (tip === undefined) {
    ctx.stdout.write(`${printable(at.remote)} has no branch ${printable(at.branch)} yet: an empty history (the first sync push creates it). ${where} is unchanged.\n`)
  } else if (!found) {
    ctx.stdout.write(`${printable(name)} (${tip.slice(0, 7)}) has no ${printable(file)} yet: an empty history. ${where} is unchanged.\n`)
  } else {
    const kept = local > 0 ? `; ${plural(local, 'record')} only here kept` : ''
    const done = result.wrote ? `${where} now has ${plural(merged.records, 'record')}` : `${where} was already up to date (${plural(merged.records, 'record')})`
    ctx.stdout.write(`Pulled ${printable(name)} (${tip.slice(0, 7)}): ${plural(merged.onlyInBase, 'new record')} from the branch${kept}; ${done}.\n`)
  }
  return 0
}

async function push(at: DataBranch, file: string, storePath: string, retries: number, ctx: CommandContext, deps: SyncDeps): Promise<number> {
  const name = printable(`${at.remote}/${at.branch}`)
  const local = parseContent(await withStoreLock(storePath, (real) => readLocal(real, storePath)))
  if (local.records.length === 0) {
    ctx.stdout.write(`${printable(storePath)} has no records: nothing to push to ${name}.\n`)
    return 0
  }
  const git = gitInfo(ctx.env, at.root)
  let reported = new Set<string>()
  for (let attempt = 0; ; attempt++) {
    const tip = await deps.git.fetch(at)
    const { content } = await branchContent(at, tip, file, deps)
    const merged = mergeContents(content, local, { keepIncomingInvalid: false })
    const fresh = content.invalid.filter((l) => !reported.has(l.bytes.toString('latin1')))
    reportInvalid(fresh, `${at.remote}/${at.branch}:${file}`, 'kept as it is', ctx.stderr)
    reported = new Set([...reported, ...fresh.map((l) => l.bytes.toString('latin1'))])
    if (attempt === 0) {
      reportInvalid(merged.leftOut, storePath, 'not pushed (it stays in the local store)', ctx.stderr)
      reportConflicts(merged.conflicts, `on ${name}`, ctx.stderr)
    }
    if (merged.added.runs + merged.added.events === 0) {
      ctx.stdout.write(`${name} already has every record of ${printable(storePath)}: nothing to push.\n`)
      return 0
    }
    const message = commitMessage(merged.added, git)
    const commit = await deps.git.commit(at, tip, file, merged.data, message)
    const result = await deps.git.push(at, commit)
    if (result.ok) {
      const from = tip === undefined ? 'a new branch' : `${tip.slice(0, 7)} → ${commit.slice(0, 7)}`
      ctx.stdout.write(`Pushed ${printable(message.slice('perf: '.length))} to ${name} (${from}; ${plural(merged.records, 'record')} there now).\n`)
      return 0
    }
    if (!result.retry) throw new GitError(`cannot push to ${at.remote} ${at.branch}: ${result.reason}. Nothing was lost: ${storePath} still has every record (the job needs contents: write)`)
    if (attempt >= retries) {
      throw new GitError(
        `cannot push to ${at.remote} ${at.branch}: rejected ${plural(attempt + 1, 'time')} because other jobs pushed at the same time (${result.reason}). Nothing was lost: ${storePath} still has every record; run sync push again, or let one job push at a time (concurrency: in the workflow)`,
      )
    }
    const ms = Math.round(deps.backoffMs * 2 ** attempt * (0.5 + deps.random()))
    ctx.stderr.write(
      `perf-regression: the push to ${name} was rejected (${printable(result.reason)}): another job pushed first; fetching, merging and retrying in ${(ms / 1000).toFixed(1)} s (retry ${attempt + 1} of ${retries})\n`,
    )
    await deps.sleep(ms)
  }
}
