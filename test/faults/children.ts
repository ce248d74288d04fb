/** Helpers of the fault tests: child `node` processes that run the built package, temp folders, big records. */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { RunRecord } from '../../src/types.js'
import { noisy, run, tempDir } from '../unit/helpers.js'

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A module of the built package (`store/store.js`) as a file URL for a child process; fails the test when dist/ is missing. */
export function distUrl(module: string): string {
  const file = path.join(REPO, 'dist', module)
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`npm run build\` first (these tests start child processes that import the built package)`)
  }
  return pathToFileURL(file).href
}

export async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir()
  try {
    return await fn(dir)
  } finally {
    await cleanup()
  }
}

/** A child `node` process running ESM code, with helpers to wait for what it prints. */
export interface Child {
  proc: ChildProcess
  /** Resolves once stdout contains `marker` (rejects when the child exits first). */
  waitFor(marker: string): Promise<void>
  stdout(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
}

export function startChild(code: string): Child {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: { marker: string; resolve: () => void }[] = []
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d
    for (const w of waiters.filter((x) => out.includes(x.marker))) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  })
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    proc.on('exit', (c, s) => resolve({ code: c, signal: s, stderr: err })),
  )
  return {
    proc,
    stdout: () => out,
    exited,
    waitFor: (marker) =>
      out.includes(marker)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ marker, resolve })
            void exited.then(({ code, signal, stderr }) =>
              reject(new Error(`child exited (${code ?? signal}) before printing ${JSON.stringify(marker)}:\n${stderr}`)),
            )
          }),
  }
}

/** A run of about `bytes` bytes of JSON: results with 64 raw samples each. */
export function bigRun(id: string, bytes: number, seed: number): RunRecord {
  const r = run({ id, medians: {} })
  for (let i = 0; Buffer.byteLength(JSON.stringify(r)) < bytes; i++) {
    const res = run({ medians: { [`suite ${seed} > case ${i}`]: 1e6 + i } }).results[0]!
    res.sample.raw_wall_ns = noisy(1e6 + i, 64, 0.05, seed * 1000 + i)
    r.results.push(res)
  }
  return r
}
