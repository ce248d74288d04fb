import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { writeOutputs } from '../../src/core/outputs.js'
import { compactStore } from '../../src/store/maintenance.js'
import { appendRecord, readStore } from '../../src/store/store.js'
import {
  DanglingLinkError,
  describeSweep,
  processAlive,
  resolveTarget,
  STALE_TEMP_MS,
  sweepStaleTemps,
  tempOwner,
  tempPath,
  writeFileAtomic,
} from '../../src/util/atomic.js'
import { config, processOutputSpy, run, tempDir } from './helpers.js'
import { buildFixtureModel } from './report-fixtures.js'

/** No process has this pid: Linux allows at most 2^22, macOS 99999. */
const DEAD_PID = 2 ** 30
const HEX = 'a1b2c3d4e5f6'

const { err, capture, reset } = processOutputSpy()
let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  reset()
  await cleanup()
})

describe('writeFileAtomic', () => {
  test('creates or replaces the file, leaves nothing else, keeps the permission bits of the file it replaces', async () => {
    const file = path.join(dir, 'report.md')
    await writeFileAtomic(file, 'first')
    expect(await readFile(file, 'utf8')).toBe('first')
    await chmod(file, 0o640)
    await writeFileAtomic(file, Buffer.from('second'))
    expect(await readFile(file, 'utf8')).toBe('second')
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o640)
    expect(await readdir(dir)).toEqual(['report.md'])
  })

  test('through a link to a file, or a link to its folder, the link stays and the real file changes', async () => {
    const real = path.join(dir, 'cache', 'report.md')
    await mkdir(path.dirname(real))
    await writeFile(real, 'old')
    const fileLink = path.join(dir, 'report.md')
    await symlink(real, fileLink)
    await writeFileAtomic(fileLink, 'via the file link')
    expect((await lstat(fileLink)).isSymbolicLink()).toBe(true)
    expect(await readFile(real, 'utf8')).toBe('via the file link')

    const folderLink = path.join(dir, 'out')
    await symlink(path.dirname(real), folderLink)
    await writeFileAtomic(path.join(folderLink, 'new.json'), '{}')
    expect((await lstat(folderLink)).isSymbolicLink()).toBe(true)
    expect(await readdir(path.dirname(real))).toEqual(['new.json', 'report.md'])
  })
})

describe('resolveTarget', () => {
  test('follows links of the file and of its folders; a missing file resolves in its real folder', async () => {
    await mkdir(path.join(dir, 'real'))
    await writeFile(path.join(dir, 'real', 'a'), '')
    await symlink('real', path.join(dir, 'linked'))
    await symlink(path.join(dir, 'linked', 'a'), path.join(dir, 'b'))
    expect(await resolveTarget(path.join(dir, 'b'))).toBe(path.join(dir, 'real', 'a'))
    expect(await resolveTarget(path.join(dir, 'linked', 'missing'))).toBe(path.join(dir, 'real', 'missing'))
  })

  test('a link to nothing is a DanglingLinkError with the link and its target, resolved against the link', async () => {
    await symlink('nowhere/x.jsonl', path.join(dir, 'link'))
    const error = await resolveTarget(path.join(dir, 'link')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DanglingLinkError)
    expect(error).toMatchObject({ link: path.join(dir, 'link'), target: path.join(dir, 'nowhere', 'x.jsonl') })
  })
})

describe('temporary file names', () => {
  test('tempPath is next to the file, named after it, with our pid', () => {
    const temp = tempPath('/data/benchmarks.jsonl')
    expect(path.dirname(temp)).toBe('/data')
    expect(tempOwner(path.basename(temp), 'benchmarks.jsonl')).toBe(process.pid)
    expect(tempPath('/data/benchmarks.jsonl')).not.toBe(temp)
  })

  test('tempOwner matches our exact patterns only', () => {
    const base = 'benchmarks.jsonl'
    expect(tempOwner(`.${base}.4242.${HEX}.tmp`, base)).toBe(4242)
    expect(tempOwner(`${base}.4242.tmp`, base)).toBe(4242)
    for (const name of [
      base,
      `${base}.lock`,
      `${base}.bak`,
      `.${base}.4242.${HEX}.tmp.keep`,
      `.${base}.4242.${HEX.toUpperCase()}.tmp`,
      `.${base}.4242.${HEX}0.tmp`,
      `.${base}.4242.abc.tmp`,
      `.${base}.0.${HEX}.tmp`,
      `.${base}.0042.${HEX}.tmp`,
      `.${base}.-1.${HEX}.tmp`,
      `.${base}.x.4242.${HEX}.tmp`,
      `.other.jsonl.4242.${HEX}.tmp`,
      `.x${base}.4242.${HEX}.tmp`,
      `${base}.4242.${HEX}.tmp`,
      `${base}.mine.tmp`,
      `.${base}.4242.tmp`,
    ]) {
      expect(tempOwner(name, base), name).toBeUndefined()
    }
    // A name with dots and pattern characters is matched literally.
    expect(tempOwner(`.a.b*.9.${HEX}.tmp`, 'a.b*')).toBe(9)
    expect(tempOwner(`.aXb*.9.${HEX}.tmp`, 'a.b*')).toBeUndefined()
  })
})

describe('processAlive', () => {
  test('this process and pid 1 run; a pid no system hands out does not', () => {
    expect(processAlive(process.pid)).toBe(true)
    if (process.platform !== 'win32') expect(processAlive(1)).toBe(true)
    expect(processAlive(DEAD_PID)).toBe(false)
  })
})

describe('sweepStaleTemps', () => {
  const base = 'benchmarks.jsonl'
  const at = (pid: number, hex = HEX) => path.join(dir, `.${base}.${pid}.${hex}.tmp`)

  test('removes temporary files of dead processes and old ones, keeps young ones of live processes and everything else', async () => {
    const now = Date.now()
    const dead = at(DEAD_PID)
    const legacy = path.join(dir, `${base}.${DEAD_PID}.tmp`)
    const live = at(process.pid)
    const oldLive = at(process.pid, 'ffffffffffff')
    await writeFile(dead, 'x'.repeat(100))
    await writeFile(legacy, 'y'.repeat(10))
    await writeFile(live, 'being written')
    await writeFile(oldLive, 'z')
    await utimes(oldLive, new Date(now - STALE_TEMP_MS - 60_000), new Date(now - STALE_TEMP_MS - 60_000))
    const others = [base, `${base}.lock`, `.${base}.${DEAD_PID}.abc.tmp`, `.other.${DEAD_PID}.${HEX}.tmp`, 'notes.tmp']
    for (const name of others) await writeFile(path.join(dir, name), 'keep me')
    // Matching names that are not regular files are never touched.
    await mkdir(at(DEAD_PID, '000000000000'))
    await symlink(path.join(dir, 'notes.tmp'), at(DEAD_PID, '111111111111'))

    const result = await sweepStaleTemps(path.join(dir, base), { now })
    expect(result.failed).toEqual([])
    expect(result.removed.sort()).toEqual([dead, legacy, oldLive].sort())
    expect(result.bytes).toBe(111)
    expect((await readdir(dir)).sort()).toEqual([...others, path.basename(live), `.${base}.${DEAD_PID}.000000000000.tmp`, `.${base}.${DEAD_PID}.111111111111.tmp`].sort())
  })

  test('asks about each pid it finds; a missing folder sweeps nothing', async () => {
    await writeFile(at(7), '')
    await writeFile(at(8), '')
    const asked: number[] = []
    const result = await sweepStaleTemps(path.join(dir, base), { alive: (pid) => (asked.push(pid), pid === 8) })
    expect(asked.sort()).toEqual([7, 8])
    expect(result.removed).toEqual([at(7)])
    expect(await sweepStaleTemps(path.join(dir, 'missing', base))).toEqual({ removed: [], bytes: 0, failed: [] })
  })

  test('describeSweep: one line when a lot was freed, a line per failure, control characters escaped', () => {
    expect(describeSweep({ removed: ['/d/.f.1.x.tmp'], bytes: 1000, failed: [] })).toEqual({ freed: undefined, failures: [] })
    const { freed, failures } = describeSweep({
      removed: ['/d\u001b[2J/.f.1.x.tmp', '/d\u001b[2J/.f.2.x.tmp'],
      bytes: 3 * 1024 * 1024,
      failed: [
        { file: '/d/\u202e.f.3.x.tmp', reason: 'EACCES: permission denied' },
        { file: '/d', reason: 'EIO', listing: true },
      ],
    })
    expect(freed).toBe('removed 2 temporary files left by interrupted writes in "/d\\u001b[2J" (3.00 MiB freed)')
    expect(failures).toEqual([
      'cannot remove the stale temporary file "/d/\\u202e.f.3.x.tmp": "EACCES: permission denied"',
      'cannot look for stale temporary files in "/d": "EIO"',
    ])
  })
})

describe('stale temporary files are swept by the next write', () => {
  const stale = (file: string, pid = DEAD_PID) => path.join(path.dirname(file), `.${path.basename(file)}.${pid}.${HEX}.tmp`)

  test('an append and a compaction sweep the store folder under the lock, and say so when it freed a lot', async () => {
    const file = path.join(dir, 'benchmarks.jsonl')
    const killed = stale(file)
    const running = stale(file, process.pid)
    await writeFile(killed, Buffer.alloc(2 * 1024 * 1024, 0x61))
    await writeFile(running, 'a compaction still running')
    capture()
    await appendRecord(file, run({ id: 'a', medians: { t: 1 } }))
    expect(err).toEqual([`perf-regression: removed 1 temporary file left by interrupted writes in ${JSON.stringify(dir)} (2.00 MiB freed)\n`])
    // The history index is not a temporary file: it stays; the compaction removes it.
    expect((await readdir(dir)).sort()).toEqual(['benchmarks.jsonl', 'benchmarks.jsonl.index', path.basename(running)].sort())

    await writeFile(killed, 'small')
    err.length = 0
    await compactStore(file, (records) => records)
    expect(err).toEqual([])
    expect((await readdir(dir)).sort()).toEqual(['benchmarks.jsonl', path.basename(running)].sort())
    expect((await readStore(file)).runs.map((r) => r.id)).toEqual(['a'])
  })

  test('writing the reports sweeps next to each of them, and nothing else', async () => {
    const reports = { markdown: 'out/report.md', json: 'out/report.json', html: false as const, issue: false as const }
    const out = path.join(dir, 'out')
    await mkdir(out)
    const leftovers = [stale(path.join(out, 'report.md')), path.join(out, `report.json.${DEAD_PID}.tmp`)]
    for (const file of leftovers) await writeFile(file, 'half a report')
    const live = stale(path.join(out, 'report.md'), process.pid)
    await writeFile(live, 'being written')
    await writeFile(path.join(out, 'mine.tmp'), 'not ours')
    const result = await writeOutputs(buildFixtureModel(), config({ reports }), dir, {})
    expect(result.problems).toEqual([])
    expect(result.written).toEqual([path.join(out, 'report.md'), path.join(out, 'report.json')])
    expect((await readdir(out)).sort()).toEqual([path.basename(live), 'mine.tmp', 'report.json', 'report.md'].sort())
  })
})
