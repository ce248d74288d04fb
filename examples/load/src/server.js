// A small search API on 127.0.0.1: GET /search?q=… returns the products whose name holds q,
// after a lookup in a simulated database that takes 20 ms. SLOWDOWN=2 in the environment
// makes that lookup take twice as long, as a slower query would.
import http from 'node:http'

const catalogue = Array.from({ length: 2_000 }, (_, i) => ({ id: i, name: `product ${i} ${(i * 7919).toString(36)}` }))
const QUERY_MS = 20 * Number(process.env.SLOWDOWN ?? 1)

async function search(q) {
  await new Promise((resolve) => setTimeout(resolve, QUERY_MS))
  return catalogue.filter((item) => item.name.includes(q)).slice(0, 20)
}

/** Starts the API on a free port of 127.0.0.1; resolves to its URL and a close(). */
export function startServer() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/search') {
      res.writeHead(404).end()
      return
    }
    const body = JSON.stringify(await search(url.searchParams.get('q') ?? ''))
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => {
          server.closeAllConnections()
          server.close(() => done())
        }),
      })
    })
  })
}
