import { describe, expect, test } from 'vitest'
import { coreShare, parseSchedstat, threadClock } from '../../src/measure/thread.js'

describe('parseSchedstat', () => {
  test('reads CPU time and run-queue wait, in ns', () => {
    expect(parseSchedstat('152013464 190974784 224\n')).toEqual({ cpuNs: 152013464, waitNs: 190974784 })
  })

  test('anything else is unknown', () => {
    for (const text of ['', '12', 'a b c', '-1 2 3', '1.5 2 3']) expect(parseSchedstat(text), text).toBeUndefined()
  })
})

describe('threadClock', () => {
  const noFile = () => {
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
  }

  test("Linux: the thread's own schedstat", () => {
    let cpu = 1000
    const clock = threadClock(() => `${(cpu += 500)} 70 3`, { cpuUsage: () => ({ user: 1, system: 1 }) })
    expect(clock.source).toBe('schedstat')
    expect(clock.read()).toEqual({ cpuNs: 2000, waitNs: 70 })
  })

  test("elsewhere Node's thread CPU usage, else the process's, in ns", () => {
    const thread = threadClock(noFile, { threadCpuUsage: () => ({ user: 3, system: 4 }), cpuUsage: () => ({ user: 100, system: 100 }) })
    expect(thread.source).toBe('thread')
    expect(thread.read()).toEqual({ cpuNs: 7000 })
    const processWide = threadClock(noFile, { cpuUsage: () => ({ user: 100, system: 50 }) })
    expect(processWide.source).toBe('process')
    expect(processWide.read()).toEqual({ cpuNs: 150_000 })
  })

  test('a bug in reading is not mistaken for a missing file', () => {
    expect(() =>
      threadClock(
        () => {
          throw new TypeError('bug')
        },
        { cpuUsage: () => ({ user: 0, system: 0 }) },
      ),
    ).toThrow('bug')
  })

  test('the real clock on this machine moves forward with work', () => {
    const clock = threadClock()
    const before = clock.read()
    let x = 0
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i)
    expect(x).toBeGreaterThan(0)
    expect(clock.read().cpuNs).toBeGreaterThan(before.cpuNs)
  })
})

describe('coreShare', () => {
  test('CPU and wait over wall time, capped at one core', () => {
    expect(coreShare({ cpuNs: 0, waitNs: 0 }, { cpuNs: 30e6, waitNs: 60e6 }, 100)).toEqual({ cpu: 0.3, wait: 0.6 })
    expect(coreShare({ cpuNs: 0 }, { cpuNs: 120e6 }, 100)).toEqual({ cpu: 1 })
  })

  test('too short a phase, or a clock that went backwards, tells nothing', () => {
    expect(coreShare({ cpuNs: 0 }, { cpuNs: 1e5 }, 0.5)).toBeUndefined()
    expect(coreShare({ cpuNs: 10 }, { cpuNs: 5 }, 100)).toBeUndefined()
  })
})
