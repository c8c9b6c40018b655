import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the fake API received. */
export interface RecordedRequest {
  method: string
  path: string
  authorization: string | undefined
  body: unknown
  /** The status the fake API returned. */
  status: number
}

export interface MetricPoint {
  name: string
  step: number
  value: number
  at?: string
}

export interface FakeReportApiOptions {
  runId: string
  token: string
  /** Statuses returned for the first requests, before any request is accepted. */
  failFirst?: number[]
  /** Decides the status of a request the fake would otherwise accept; undefined accepts it. */
  respond?: (request: RecordedRequest, index: number) => number | undefined
  port?: number
}

export interface FakeReportApi {
  url: string
  port: number
  requests: RecordedRequest[]
  /** Every metric point of every accepted metrics request, in arrival order. */
  acceptedPoints(): MetricPoint[]
  /** The body of the last accepted results request. */
  acceptedResults(): Record<string, unknown> | undefined
  close(): Promise<void>
}

const METRIC_NAME = /^[A-Za-z0-9_.\-/]{1,128}$/
const MAX_POINTS = 500
const MAX_STEP = 999_999_999_999

/**
 * Starts a real HTTP server in place of the API's run-token routes. It checks the Bearer token
 * and the run, validates bodies as docs/trainer.md specifies, and records every request.
 */
export async function startFakeReportApi(options: FakeReportApiOptions): Promise<FakeReportApi> {
  const requests: RecordedRequest[] = []
  const failures = [...(options.failFirst ?? [])]

  const server = createServer((request, response) => {
    void handle(request, response)
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      body = text
    }

    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      authorization: request.headers.authorization,
      body,
      status: 0,
    }
    recorded.status = decide(recorded)
    requests.push(recorded)

    response.writeHead(recorded.status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(answer(recorded)))
  }

  function answer(request: RecordedRequest): unknown {
    if (request.status >= 300) {
      return { code: 'FAKE_API_REJECTED', message: 'rejected' }
    }
    if (request.method === 'POST') {
      return { accepted: (request.body as { points: unknown[] }).points.length }
    }
    const { results } = request.body as { results: Record<string, unknown> }
    return { runId: options.runId, results, reportedAt: new Date().toISOString() }
  }

  function decide(request: RecordedRequest): number {
    const runPath = `/v1/runs/${options.runId}`
    const route =
      request.method === 'POST' && request.path === `${runPath}/metrics`
        ? 'metrics'
        : request.method === 'PUT' && request.path === `${runPath}/results`
          ? 'results'
          : undefined
    if (!route) return 404
    if (request.authorization !== `Bearer ${options.token}`) return 401

    const failure = failures.shift()
    if (failure !== undefined) return failure

    const custom = options.respond?.(request, requests.length)
    if (custom !== undefined) return custom

    if (route === 'metrics') return validPoints(request.body) ? 202 : 400
    return validResults(request.body) ? 200 : 400
  }

  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    acceptedPoints: () =>
      requests
        .filter((request) => request.method === 'POST' && request.status === 202)
        .flatMap((request) => (request.body as { points: MetricPoint[] }).points),
    acceptedResults: () => {
      const accepted = requests.filter(
        (request) => request.method === 'PUT' && request.status < 300,
      )
      return (accepted.at(-1)?.body as { results: Record<string, unknown> } | undefined)?.results
    },
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

function validPoints(body: unknown): boolean {
  const points = (body as { points?: unknown } | undefined)?.points
  if (!Array.isArray(points) || points.length === 0 || points.length > MAX_POINTS) return false
  return points.every(
    (point: MetricPoint) =>
      typeof point.name === 'string' &&
      METRIC_NAME.test(point.name) &&
      Number.isInteger(point.step) &&
      point.step >= 0 &&
      point.step <= MAX_STEP &&
      typeof point.value === 'number' &&
      Number.isFinite(point.value) &&
      (point.at === undefined || !Number.isNaN(Date.parse(point.at))),
  )
}

function validResults(body: unknown): boolean {
  const results = (body as { results?: unknown } | undefined)?.results
  return typeof results === 'object' && results !== null && !Array.isArray(results)
}
