/**
 * Rewrites of the history store across processes: a compaction killed while it
 * writes its copy leaves a temporary file that the next writer sweeps; writers
 * in separate processes, through a symbolic link and directly, share one lock.
 *
 * The children import the BUILT package (dist/): run `npm run build` first.
 */
import { describe, expect, test, vi } from 'vitest'
import { readdirSync, statSync } from 'node:fs'
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { appendRecord, readStore } from '../../src/store/store.js'
import type { RunRecord } from '../../src/types.js'
import { formatBytes } from '../../src/util/format.js'
import { run } from '../unit/helpers.js'
import { bigRun, distUrl, startChild, withTemp, type Child } from './children.js'

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Writes a store of about `mb` MB: copies of one big run under different ids. */
async function bigStore(file: string, mb: number): Promise<string[]> {
  const template = JSON.stringify(bigRun('TEMPLATE', 200_000, 1))
  const ids = Array.from({ length: Math.ceil((mb * 1_000_000) / template.length) }, (_, i) => `big-${i}`)
  await writeFile(file, ids.map((id) => template.replace('"TEMPLATE"', JSON.stringify(id)) + '\n').join(''))
  return ids
}

describe('a compaction killed while writing its copy', () => {
  test('leaves a temporary file next to the store; the next append sweeps it and says how much it freed', async () => {
    const url = distUrl('store/maintenance.js')
    await withTemp(async (dir) => {
      let found: { file: string; temp: string; ids: string[] } | undefined
      const seen: string[] = []
      // The kill usually lands while the copy is written; when it lands after the rename, try again.
      for (let attempt = 0; attempt < 5 && !found; attempt++) {
        const folder = path.join(dir, `attempt-${attempt}`)
        await mkdir(folder)
        const file = path.join(folder, 'benchmarks.jsonl')
        const ids = await bigStore(file, 40)
        const child = startChild(`
          import { compactStore } from ${JSON.stringify(url)}
          process.stdout.write('ready\\n')
          await compactStore(${JSON.stringify(file)}, (records) => records.slice(1))
          process.stdout.write('done\\n')
        `)
        await child.waitFor('ready\n')
        const prefix = `.benchmarks.jsonl.${child.proc.pid}.`
        const deadline = Date.now() + 60_000
        let temp: string | undefined
        let exited = false
        void child.exited.then(() => (exited = true))
        // A busy poll: the copy is written and synced in a fraction of a second.
        while (!temp && !exited && Date.now() < deadline) temp = readdirSync(folder).find((n) => n.startsWith(prefix) && n.endsWith('.tmp'))
        // Then until a few MiB of the copy are written (or it is renamed).
        while (temp && !exited && Date.now() < deadline && (sizeOf(path.join(folder, temp)) ?? Infinity) < 4 * 1024 * 1024) {
          /* poll */
        }
        child.proc.kill('SIGKILL')
        await child.exited
        seen.push(temp ?? 'none')
        if (temp && readdirSync(folder).includes(temp)) found = { file, temp: path.join(folder, temp), ids }
      }
      expect(found, `the kill never landed while the copy was written (temporary files seen: ${seen.join(', ')})`).toBeDefined()
      const { file, temp, ids } = found!
      const size = (await lstat(temp)).size
      expect(size).toBeGreaterThanOrEqual(4 * 1024 * 1024)

      const stderr: string[] = []
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true))
      try {
        // Waits for the dead compaction's lock to go stale, then sweeps under it.
        await appendRecord(file, run({ id: 'next', medians: { t: 1 } }))
      } finally {
        vi.restoreAllMocks()
      }
      // The temporary file is gone; the append kept the history index next to the store.
      expect((await readdir(path.dirname(file))).sort()).toEqual(['benchmarks.jsonl', 'benchmarks.jsonl.index'])
      // The dead compaction had removed the index before writing its copy: the append builds it again, and says so.
      expect(stderr).toEqual([
        `perf-regression: removed 1 temporary file left by interrupted writes in ${JSON.stringify(path.dirname(file))} (${formatBytes(size)} freed)\n`,
        expect.stringMatching(/^perf-regression: built the history index of .* because there was no index\n$/),
      ])
      // The store is the one from before the compaction, plus the new run.
      const { runs, warnings } = await readStore(file)
      expect(warnings).toEqual([])
      expect(runs.map((r) => r.id)).toEqual([...ids, 'next'])
    })
  }, 180_000)
})

describe('processes writing through a symbolic link and directly', () => {
  test('appends and a compaction from three processes: every record lands, the link stays a link', async () => {
    const storeUrl = distUrl('store/store.js')
    const maintenanceUrl = distUrl('store/maintenance.js')
    await withTemp(async (dir) => {
      await mkdir(path.join(dir, 'cache'))
      await mkdir(path.join(dir, '.perf'))
      const real = path.join(dir, 'cache', 'benchmarks.jsonl')
      const link = path.join(dir, '.perf', 'benchmarks.jsonl')
      const existing = Array.from({ length: 20 }, (_, i) => bigRun(`old-${i}`, 50_000, i))
      await writeFile(real, existing.map((r) => JSON.stringify(r) + '\n').join(''))
      await symlink(real, link)

      const expected = new Map<string, RunRecord>(existing.slice(1).map((r) => [r.id, r]))
      const children: Child[] = []
      for (const [name, file] of [
        ['link', link],
        ['direct', real],
      ] as const) {
        const records = Array.from({ length: 15 }, (_, i) => bigRun(`${name}-${i}`, 20_000, 100 + i))
        for (const r of records) expected.set(r.id, r)
        const input = path.join(dir, `${name}.json`)
        await writeFile(input, JSON.stringify(records))
        children.push(
          startChild(`
            import { readFileSync } from 'node:fs'
            import { appendRecord } from ${JSON.stringify(storeUrl)}
            const records = JSON.parse(readFileSync(${JSON.stringify(input)}, 'utf8'))
            process.stdout.write('ready\\n')
            await new Promise((resolve) => process.stdin.once('data', resolve))
            process.stdin.destroy()
            for (const r of records) await appendRecord(${JSON.stringify(file)}, r)
          `),
        )
      }
      children.push(
        startChild(`
          import { compactStore } from ${JSON.stringify(maintenanceUrl)}
          process.stdout.write('ready\\n')
          await new Promise((resolve) => process.stdin.once('data', resolve))
          process.stdin.destroy()
          for (let i = 0; i < 5; i++) await compactStore(${JSON.stringify(link)}, (records) => records.filter((r) => r.id !== 'old-0'))
        `),
      )
      await Promise.all(children.map((c) => c.waitFor('ready\n')))
      for (const c of children) c.proc.stdin!.write('go\n')
      for (const e of await Promise.all(children.map((c) => c.exited))) expect(e, e.stderr).toMatchObject({ code: 0, signal: null })

      expect((await lstat(link)).isSymbolicLink()).toBe(true)
      const { runs, warnings } = await readStore(link)
      expect(warnings).toEqual([])
      expect(runs).toHaveLength(expected.size)
      for (const r of runs) expect(r).toEqual(expected.get(r.id))
      for (const name of ['link', 'direct']) {
        expect(runs.filter((r) => r.id.startsWith(`${name}-`)).map((r) => r.id)).toEqual(Array.from({ length: 15 }, (_, i) => `${name}-${i}`))
      }
      expect((await readFile(real, 'utf8')).endsWith('\n')).toBe(true)
      // No temporary file left; the history index (there when an append came last) is next to the real file, never the link.
      expect((await readdir(path.join(dir, 'cache'))).filter((f) => f !== 'benchmarks.jsonl.index')).toEqual(['benchmarks.jsonl'])
      expect(await readdir(path.join(dir, '.perf'))).toEqual(['benchmarks.jsonl'])
    })
  }, 180_000)
})
