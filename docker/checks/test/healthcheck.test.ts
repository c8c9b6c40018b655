import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { DOCKER_DIR } from './lib/paths.js'

const SCRIPT = join(DOCKER_DIR, 'healthcheck.mjs')

/** Runs the probe as the images do and returns its exit code and error output. */
function probe(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (err, _stdout, stderr) => {
        resolve({ code: err ? Number(err.code) : 0, stderr })
      },
    )
  })
}

/** Starts a server on 127.0.0.1 that returns the given status to each request and records it. */
async function startServer(
  t: Test,
  status: number,
): Promise<{ port: number; requests: { method: string; url: string; body: string }[] }> {
  const requests: { method: string; url: string; body: string }[] = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', body })
      response.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { port: (server.address() as AddressInfo).port, requests }
}

t.test('probe succeeds on a 2xx answer', async (t) => {
  const server = await startServer(t, 200)

  const result = await probe([`http://127.0.0.1:${server.port}/health`])

  t.equal(result.code, 0)
  t.same(server.requests, [{ method: 'GET', url: '/health', body: '' }])
})

t.test('probe resolves a path against PORT', async (t) => {
  const server = await startServer(t, 204)

  const result = await probe(['/healthz'], { PORT: String(server.port) })

  t.equal(result.code, 0)
  t.equal(server.requests[0]?.url, '/healthz')
})

t.test('probe POSTs an empty object', async (t) => {
  const server = await startServer(t, 200)

  const result = await probe([`http://127.0.0.1:${server.port}/v1/describejobqueues`, 'POST'])

  t.equal(result.code, 0)
  t.same(server.requests, [{ method: 'POST', url: '/v1/describejobqueues', body: '{}' }])
})

t.test('probe fails on a 503 answer', async (t) => {
  const server = await startServer(t, 503)

  const result = await probe([`http://127.0.0.1:${server.port}/readyz`])

  t.equal(result.code, 1)
  t.match(result.stderr, /returned HTTP 503/)
})

t.test('probe fails when nothing listens', async (t) => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))

  const result = await probe([`http://127.0.0.1:${port}/health`])

  t.equal(result.code, 1)
  t.match(result.stderr, /failed: .*ECONNREFUSED/)
})

t.test('path without PORT rejected', async (t) => {
  const result = await probe(['/healthz'])

  t.equal(result.code, 2)
  t.match(result.stderr, /PORT is not set/)
})

t.test('unknown method is a usage error', async (t) => {
  const result = await probe(['http://127.0.0.1:1/', 'DELETE'])

  t.equal(result.code, 2)
  t.match(result.stderr, /method "DELETE" is invalid/)
})
