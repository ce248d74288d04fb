import { describe, expect } from 'vitest'
import { test } from 'perf-regression/vitest'
import { contentHash, etag } from '../src/digest.js'

const upload = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 255)
const body = new TextEncoder().encode('{"items":[1,2,3]}'.repeat(15_000))

describe('uploads', () => {
  test('content hash of 1 MB', async ({ perf }) => {
    const hex = await perf(() => contentHash(upload))
    expect(hex).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('responses', () => {
  test('etag of 255 kB', async ({ perf }) => {
    const tag = await perf(() => etag(body))
    expect(tag).toMatch(/^"[A-Za-z0-9+/]{27}="$/)
  })
})
