/**
 * Stores reached through symbolic links (the file, or its folder, linked into a
 * cache folder): every command that writes follows the link, so the link stays
 * a link, and writers through the link and directly share one lock.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { existsSync } from 'node:fs'
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { compactStore } from '../../src/store/maintenance.js'
import { appendRecord, readStore, StoreError, withStoreLock } from '../../src/store/store.js'
import type { StoreRecord } from '../../src/types.js'
import { outputCapture, run, tempDir } from './helpers.js'

const { out, err, outputs, reset } = outputCapture()
const line = (r: StoreRecord) => JSON.stringify(r) + '\n'
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000)

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  reset()
  await cleanup()
})

/** The project's `.perf/benchmarks.jsonl` and the file it really is, in `cache/`, linked one of two ways. */
async function linkedStore(how: 'file' | 'folder'): Promise<{ project: string; link: string; real: string; isLink: () => Promise<void> }> {
  const project = path.join(dir, 'project')
  const cache = path.join(dir, 'cache')
  await mkdir(cache, { recursive: true })
  await mkdir(project)
  const real = path.join(cache, 'benchmarks.jsonl')
  if (how === 'file') {
    // A link to nothing is refused (below): the cached file exists, if empty.
    await writeFile(real, '')
    await mkdir(path.join(project, '.perf'))
    await symlink(real, path.join(project, '.perf', 'benchmarks.jsonl'))
  } else {
    await symlink(cache, path.join(project, '.perf'))
  }
  const link = path.join(project, '.perf', 'benchmarks.jsonl')
  const linked = how === 'file' ? link : path.join(project, '.perf')
  const target = how === 'file' ? real : cache
  const isLink = async () => {
    expect((await lstat(linked)).isSymbolicLink(), `${linked} is still a symbolic link`).toBe(true)
    expect(await readlink(linked)).toBe(target)
  }
  return { project, link, real, isLink }
}

describe.each(['file', 'folder'] as const)('a store whose %s is a symbolic link', (how) => {
  test('every command that writes keeps the link and writes the real file', async () => {
    const { project, link, real, isLink } = await linkedStore(how)
    const cli = (...args: string[]) => main(args, { ...outputs, cwd: project, env: {} })
    const old = Array.from({ length: 3 }, (_, i) => run({ id: `old-${i}`, time: daysAgo(40 - i), mode: 'compare', medians: { parse: 1e6 } }))
    const base = Array.from({ length: 5 }, (_, i) => run({ id: `base-${i}`, time: daysAgo(5 - i), medians: { parse: 1e6 } }))
    // With only the folder linked, the first append creates the real file through the link.
    for (const r of [...old, ...base]) await appendRecord(link, r)
    await isLink()
    expect((await readStore(real)).runs.map((r) => r.id)).toEqual([...old, ...base].map((r) => r.id))

    expect(await cli('baseline', 'reset', '--reason', 'new runners')).toBe(0)
    await isLink()
    expect(await cli('baseline', 'accept', '--run', 'base-4', '--reason', 'intended')).toBe(0)
    await isLink()
    expect((await readStore(real)).events.map((e) => e.action)).toEqual(['reset', 'accept'])

    await writeFile(real, (await readFile(real, 'utf8')) + 'garbage\n')
    expect(await cli('compact')).toBe(0)
    await isLink()
    expect(await readFile(real, 'utf8')).not.toContain('garbage')

    expect(await cli('prune', '--keep-days', '10')).toBe(0)
    await isLink()
    expect((await readStore(real)).runs.map((r) => r.id)).toEqual(base.map((r) => r.id))

    const other = path.join(dir, 'other.jsonl')
    const extra = run({ id: 'from-other-job', time: daysAgo(0.5), medians: { parse: 1e6 } })
    await writeFile(other, line(extra) + line(base[0]!))
    expect(await cli('merge', other)).toBe(0)
    await isLink()
    const merged = await readStore(link)
    expect(merged.runs.map((r) => r.id)).toEqual([...base.map((r) => r.id), 'from-other-job'])
    expect(merged.warnings).toEqual([])
    expect(err.join('')).toBe(`perf-regression: dropped ${link}:11: not valid JSON; skipped\n`)
    expect(out.join('')).toContain('1 duplicates skipped')

    // Nothing was left next to the link or the real file: no lock, no temporary file.
    expect(await readdir(path.dirname(real))).toEqual(['benchmarks.jsonl'])
    if (how === 'file') expect(await readdir(path.dirname(link))).toEqual(['benchmarks.jsonl'])
  })

  test('writers through the link and directly share one lock and lose nothing', async () => {
    const { link, real, isLink } = await linkedStore(how)
    const existing = Array.from({ length: 6 }, (_, i) => run({ id: `old-${i}`, medians: { t: i + 1 } }))
    for (const r of existing) await appendRecord(real, r)
    const viaLink = Array.from({ length: 12 }, (_, i) => run({ id: `link-${i}`, medians: { t: i + 1 } }))
    const direct = Array.from({ length: 12 }, (_, i) => run({ id: `direct-${i}`, medians: { t: i + 1 } }))
    await Promise.all([
      // Two compactions, one each way, racing the appends: a rewrite that did not hold the
      // same lock as the appends would drop the records appended while it ran.
      compactStore(link, (all) => all.filter((r) => r.id !== 'old-0')),
      compactStore(real, (all) => all.filter((r) => r.id !== 'old-1')),
      ...viaLink.map((r) => appendRecord(link, r)),
      ...direct.map((r) => appendRecord(real, r)),
    ])
    await isLink()
    const { runs, warnings } = await readStore(real)
    expect(warnings).toEqual([])
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set([...existing.slice(2), ...viaLink, ...direct].map((r) => r.id)))
    expect(runs).toHaveLength(4 + 24)
  })

  test('the lock sits next to the real file, whichever path took it', async () => {
    const { link, real } = await linkedStore(how)
    for (const file of [link, real]) {
      await withStoreLock(file, async (resolved) => {
        expect(resolved).toBe(real)
        expect(existsSync(`${real}.lock`)).toBe(true)
        if (how === 'file') expect(existsSync(`${link}.lock`)).toBe(false)
      })
      expect(existsSync(`${real}.lock`)).toBe(false)
    }
  })
})

describe('a symbolic link to nothing', () => {
  test('appends and rewrites refuse it, say where it points and how to fix it, and create nothing', async () => {
    const file = path.join(dir, 'benchmarks.jsonl')
    const target = path.join(dir, 'cache', 'benchmarks.jsonl')
    await symlink(target, file)
    for (const attempt of [() => appendRecord(file, run({ medians: { t: 1 } })), () => compactStore(file, (r) => r)]) {
      const error = await attempt().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreError)
      expect((error as StoreError).file).toBe(file)
      expect((error as StoreError).message).toBe(
        `perf-regression: the history store ${file} is a symbolic link to ${target}, which does not exist: create that file (an empty file is an empty store), point the link at the store, or remove the link to keep the store at ${file}`,
      )
    }
    expect(await readdir(dir)).toEqual(['benchmarks.jsonl'])
    expect(await readlink(file)).toBe(target)
  })

  test('at the end of a chain of links, the message names the last target', async () => {
    const first = path.join(dir, 'first.jsonl')
    await symlink('second.jsonl', first)
    await symlink('missing.jsonl', path.join(dir, 'second.jsonl'))
    const error = await appendRecord(first, run({ medians: { t: 1 } })).catch((e: unknown) => e)
    expect((error as StoreError).message).toContain(`is a symbolic link to ${path.join(dir, 'missing.jsonl')}, which does not exist`)
  })

  test('a loop of links is a StoreError, not a hang', async () => {
    const a = path.join(dir, 'a.jsonl')
    await symlink('b.jsonl', a)
    await symlink('a.jsonl', path.join(dir, 'b.jsonl'))
    const error = await appendRecord(a, run({ medians: { t: 1 } })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain(`cannot find the real file of the history store ${a}`)
    expect((error as StoreError).message).toContain('ELOOP')
  })
})
