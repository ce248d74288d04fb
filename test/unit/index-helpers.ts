/** Shared by the tests of the history index. */
import { open } from 'node:fs/promises'
import { expect } from 'vitest'
import { loadIndex, scanFrom } from '../../src/store/index-file.js'

/** The history index next to `file` holds exactly what building it from the whole store gives. */
export async function expectIndexTrue(file: string): Promise<void> {
  const loaded = await loadIndex(file)
  const handle = await open(file, 'r')
  try {
    expect(loaded && 'entries' in loaded ? loaded.entries : loaded).toEqual((await scanFrom(handle, 0, 1)).entries)
  } finally {
    await handle.close()
  }
}
