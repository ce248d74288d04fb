/**
 * Failures injected into the file system while a whole file is replaced (a disk
 * that fills up half-way, a failed sync, rename or close): the original stays
 * byte-identical and no temporary file is left, for the atomic writer itself,
 * for a store compaction and for the report files.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { writeOutputs } from '../../src/core/outputs.js'
import { compactStore } from '../../src/store/maintenance.js'
import { StoreError } from '../../src/store/store.js'
import { writeFileAtomic } from '../../src/util/atomic.js'
import { config, run, tempDir } from './helpers.js'
import { buildFixtureModel } from './report-fixtures.js'

type Step = 'write' | 'sync' | 'close' | 'rename' | 'unlink'

/** The step of the next write to a temporary file that fails, and with which code. */
const fault = vi.hoisted(() => ({ step: undefined as Step | undefined, code: 'ENOSPC', unlinkToo: false }))

const errno = (code: string, syscall: string) => Object.assign(new Error(`${code}: injected fault, ${syscall}`), { code, syscall })
const isTemp = (file: unknown) => typeof file === 'string' && path.basename(file).endsWith('.tmp')

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  const open = async (...args: Parameters<typeof real.open>): Promise<FileHandle> => {
    const handle = await real.open(...args)
    if (!isTemp(args[0]) || fault.step === undefined) return handle
    const closeReally = handle.close.bind(handle)
    if (fault.step === 'write') {
      // A disk that fills up half-way: half of the bytes land, then the write fails.
      handle.writeFile = async (data) => {
        const bytes = Buffer.from(data as string)
        await handle.write(bytes, 0, Math.floor(bytes.length / 2))
        throw errno(fault.code, 'write')
      }
    }
    if (fault.step === 'sync') handle.sync = async () => Promise.reject(errno(fault.code, 'fsync'))
    if (fault.step === 'close') handle.close = async () => (await closeReally(), Promise.reject(errno(fault.code, 'close')))
    return handle
  }
  const rename = async (from: string, to: string) => (fault.step === 'rename' && isTemp(from) ? Promise.reject(errno(fault.code, 'rename')) : real.rename(from, to))
  const unlink = async (file: string) => (fault.unlinkToo && isTemp(file) ? Promise.reject(errno('EBUSY', 'unlink')) : real.unlink(file))
  const mocked = { ...real, open, rename, unlink }
  return { ...mocked, default: mocked }
})

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  Object.assign(fault, { step: undefined, code: 'ENOSPC', unlinkToo: false })
  await cleanup()
})

describe('writeFileAtomic under injected faults', () => {
  test.each<[Step, string]>([
    ['write', 'ENOSPC'],
    ['write', 'EDQUOT'],
    ['sync', 'EIO'],
    ['close', 'EIO'],
    ['rename', 'EXDEV'],
  ])('a failed %s (%s): rejects with the code, the original is byte-identical, no temporary file', async (step, code) => {
    const file = path.join(dir, 'report.html')
    await writeFile(file, 'the old report\n')
    Object.assign(fault, { step, code })
    const error = await writeFileAtomic(file, 'x'.repeat(100_000)).catch((e: unknown) => e)
    expect((error as NodeJS.ErrnoException).code).toBe(code)
    expect(await readFile(file, 'utf8')).toBe('the old report\n')
    expect(await readdir(dir)).toEqual(['report.html'])
  })

  test('a new file that cannot be written is not created', async () => {
    fault.step = 'write'
    const file = path.join(dir, 'new.json')
    await expect(writeFileAtomic(file, '{}')).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(await readdir(dir)).toEqual([])
  })

  test('when the temporary file cannot be removed either, both failures are reported, with the first code', async () => {
    Object.assign(fault, { step: 'write', unlinkToo: true })
    const file = path.join(dir, 'report.md')
    await writeFile(file, 'old')
    const error = await writeFileAtomic(file, 'new content').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AggregateError)
    const aggregate = error as AggregateError & { code?: string }
    expect(aggregate.code).toBe('ENOSPC')
    expect(aggregate.errors.map((e: NodeJS.ErrnoException) => e.code)).toEqual(['ENOSPC', 'EBUSY'])
    const [temp] = (await readdir(dir)).filter((n) => n !== 'report.md')
    expect(aggregate.message).toContain(`removing the temporary file ${path.join(dir, temp!)} also failed`)
    expect(await readFile(file, 'utf8')).toBe('old')
  })
})

describe('compaction under injected faults', () => {
  test('a disk that fills up while the copy is written: StoreError, the store byte-identical, no temporary file, the lock released', async () => {
    const file = path.join(dir, 'benchmarks.jsonl')
    const records = Array.from({ length: 50 }, (_, i) => run({ id: `r${i}`, medians: { t: i + 1 } }))
    await writeFile(file, records.map((r) => JSON.stringify(r) + '\n').join('') + 'garbage\n')
    const before = await readFile(file)
    fault.step = 'write'
    const error = await compactStore(file, (all) => all.slice(1)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain(`cannot compact the history store ${file}: ENOSPC`)
    expect((error as StoreError).message).toContain('the store is unchanged; compaction writes a full copy first; free some space')
    expect((await readFile(file)).equals(before)).toBe(true)
    expect(await readdir(dir)).toEqual(['benchmarks.jsonl'])

    fault.step = undefined
    expect(await compactStore(file, (all) => all.slice(1))).toMatchObject({ before: 50, after: 49 })
  })
})

describe('report files under injected faults', () => {
  test('a full disk while writing the reports: each is a problem, old reports intact, no temporary file', async () => {
    const model = buildFixtureModel()
    await writeFile(path.join(dir, 'report.md'), 'old markdown')
    fault.step = 'write'
    const reports = { markdown: 'report.md', json: 'report.json', html: false as const, issue: false as const }
    const { written, problems } = await writeOutputs(model, config({ reports }), dir, {})
    expect(written).toEqual([])
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(new RegExp(`^cannot write the Markdown report ${path.join(dir, 'report.md')}: ENOSPC`))
    expect(problems[1]).toMatch(/^cannot write the JSON report .*report\.json: ENOSPC/)
    expect(await readdir(dir)).toEqual(['report.md'])
    expect(await readFile(path.join(dir, 'report.md'), 'utf8')).toBe('old markdown')
  })
})
