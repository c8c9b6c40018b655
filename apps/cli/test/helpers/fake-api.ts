import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  url: URL
  headers: IncomingMessage['headers']
  body: string
}

export type FakeHandler = (
  request: RecordedRequest,
  response: ServerResponse,
) => void | Promise<void>

export interface FakeApi {
  url: string
  requests: RecordedRequest[]
}

/**
 * Starts a plain node:http server on 127.0.0.1 with a free port that responds with `handler`
 * and records every request. It replaces the API for routes the real API does not have, and
 * for failures it cannot produce on demand (a 503, a body that is not JSON). Closed at teardown.
 */
export async function startFakeApi(
  t: { teardown(fn: () => unknown): void },
  handler: FakeHandler,
): Promise<FakeApi> {
  const requests: RecordedRequest[] = []
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const request: RecordedRequest = {
      method: incoming.method ?? 'GET',
      url: new URL(incoming.url ?? '/', 'http://127.0.0.1'),
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    requests.push(request)
    try {
      await handler(request, response)
    } catch (err) {
      response.writeHead(500).end(String(err))
    }
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, requests }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/** Sends an error in the API's error shape. */
export function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  sendJson(response, status, { error: { code, message, requestId: 'req-1', ...extra } })
}
