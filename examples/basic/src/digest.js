import { createHash } from 'node:crypto'

/**
 * The code under test: content hashes of uploaded files. SLOWDOWN=2 in the
 * environment makes each function do its work twice, to show what a
 * regression looks like.
 *
 * Hashing runs in native code, so its speed is steady from one process to the
 * next; plain JavaScript loops can vary by tens of percent between processes
 * on a shared machine, which only more baseline runs see through.
 */
const repeat = Math.max(1, Math.round(Number(process.env.SLOWDOWN ?? 1)))

/** SHA-256 of a file's bytes, hex: the content address of an upload. */
export function contentHash(bytes) {
  let hex = ''
  for (let r = 0; r < repeat; r++) hex = createHash('sha256').update(bytes).digest('hex')
  return hex
}

/** SHA-1 of a response body, base64: a strong ETag. */
export function etag(body) {
  let tag = ''
  for (let r = 0; r < repeat; r++) tag = `"${createHash('sha1').update(body).digest('base64')}"`
  return tag
}
