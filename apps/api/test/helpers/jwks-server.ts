import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SigningKey } from './tokens.js'

export interface JwksServer {
  /** Issuer of the tokens the tests sign; its JWKS is at `<issuer>/.well-known/jwks.json`. */
  issuer: string
  jwksUrl: string
  /** Number of requests for the key set so far. */
  requests(): number
  setKeys(keys: SigningKey[]): void
  /** Makes the server return 503, as during an outage, or serve the keys again. */
  setFailing(failing: boolean): void
}

/** Serves a JWKS on 127.0.0.1 with a port chosen at run time, stopped at teardown. */
export async function startJwksServer(
  t: { teardown(fn: () => unknown): void },
  keys: SigningKey[],
): Promise<JwksServer> {
  let current = keys
  let count = 0
  let failing = false
  const server = createServer((request, response) => {
    if (request.url !== '/pool/.well-known/jwks.json') {
      response.writeHead(404).end()
      return
    }
    count++
    if (failing) {
      response.writeHead(503).end()
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ keys: current.map((key) => key.jwk) }))
  })
  // Node's fetch reuses idle connections. Under load, the default 5 s keep-alive lets the
  // server close one just as the next fetch reuses it, which fails that refetch and makes
  // the request counts flaky, so idle connections stay open for the length of a test.
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )

  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}/pool`
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    requests: () => count,
    setKeys: (next) => {
      current = next
    },
    setFailing: (next) => {
      failing = next
    },
  }
}
