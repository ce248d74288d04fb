import { spawn } from 'node:child_process'

/** A git command that failed, or git missing: the message says what was being done and what git said. */
export class GitError extends Error {
  override name = 'GitError'
}

export interface GitOptions {
  /** Folder git runs in. */
  cwd: string
  /** Environment of git. @default process.env */
  env?: NodeJS.ProcessEnv | undefined
  /** Bytes written to git's standard input. */
  input?: Buffer | string | undefined
}

export interface GitResult {
  /** Exit code (1 when git was stopped by a signal). */
  code: number
  stdout: Buffer
  /** Standard error, with credentials in URLs blanked out. */
  stderr: string
}

/**
 * `user:password@` in URLs blanked out: git can print a remote's URL, and a CI
 * token can be part of it (`https://x-access-token:…@github.com/…`).
 */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
}

/**
 * Runs git with `args` and collects its output, however long (a history file can be
 * large). Never asks for credentials on a terminal (`GIT_TERMINAL_PROMPT=0`): a
 * missing token fails at once instead of waiting for someone to type it.
 * @throws GitError when git cannot be started (not installed).
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new GitError('git is not installed (or not on PATH); perf-regression needs it to keep the history on a branch')
          : new GitError(`cannot run git ${args[0] ?? ''}: ${error.message}`, { cause: error }),
      )
    })
    // git may exit before reading its input (an unknown object, say): that is its answer, not ours to report.
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input ?? '')
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: redactCredentials(Buffer.concat(err).toString('utf8').trim()) })
    })
  })
}

/**
 * Runs git and returns its standard output as trimmed text.
 * @throws GitError saying `doing` and git's own message when git exits with an error.
 */
export async function gitText(args: readonly string[], options: GitOptions, doing: string): Promise<string> {
  const result = await runGit(args, options)
  if (result.code !== 0) throw new GitError(`cannot ${doing}: ${result.stderr || `git ${args[0] ?? ''} exited with code ${result.code}`}`)
  return result.stdout.toString('utf8').trim()
}
