import { afterAll, beforeAll, describe, expect } from 'vitest'
import { test } from 'perf-regression/vitest'
import { startServer } from '../src/server.js'

let api
beforeAll(async () => {
  api = await startServer()
})
afterAll(() => api.close())

async function search({ signal }) {
  const res = await fetch(`${api.url}/search?q=7x`, { signal })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  await res.json()
}

describe('search API', () => {
  // Closed model: 4 users, each sending its next request when the last one is answered.
  test('under 4 concurrent users', async ({ perf }) => {
    const r = await perf.load(search, { concurrency: 4, duration: '1s', rampUp: '200ms' })
    expect(r.errors).toBe(0)
  })

  // Open model: 50 requests per second whatever the answers take; latency counts from
  // each request's scheduled start, so a stall shows in the percentiles.
  test('at 50 requests per second', async ({ perf }) => {
    const r = await perf.load(search, { rate: 50, maxConcurrency: 32, duration: '1s' })
    expect(r.errors).toBe(0)
  })
})
