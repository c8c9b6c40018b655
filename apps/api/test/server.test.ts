import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { RunRepository } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import { validSpec, writeCatalog } from './helpers/catalog.js'
import { startForgedIdentityApp } from './helpers/forged-identity.js'
import { startJwksServer } from './helpers/jwks-server.js'
import { createSigningKey } from './helpers/tokens.js'

/** Resolves once nothing accepts connections on the port, polling for up to 10 s. */
async function waitUntilRefused(port: number): Promise<boolean> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(false)
      })
      socket.once('error', () => resolve(true))
    })
    if (refused) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): string {
  const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines}\r\n${body}`
}

/** Polls until the check passes, for up to 10 s. */
async function eventually(check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return false
}

t.test('closing lets an in-flight request finish and refuses new ones', async (t) => {
  const { app, as, db, logs } = await startForgedIdentityApp(t, { captureLogs: true })
  const runs = new RunRepository(db.document, db.tables, db.cursors)
  const runId = (
    await app.inject({ method: 'POST', url: '/v1/runs', headers: as('ada'), payload: validSpec() })
  ).json().runId as string

  // Hold the next GetItem until the test releases it, so a request is in flight at close.
  let release: () => void = () => undefined
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  t.teardown(() => release())
  let reachedStore: () => void = () => undefined
  const storeReached = new Promise<void>((resolve) => {
    reachedStore = resolve
  })
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetItemCommand') {
        reachedStore()
        await held
      }
      return next(args)
    },
    { step: 'initialize', name: 'holdGetItem' },
  )

  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const socket = connect(port, '127.0.0.1')
  let raw = ''
  socket.on('data', (chunk: Buffer) => {
    raw += chunk.toString()
  })
  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.write(rawRequest('GET', `/v1/runs/${runId}`, as('ada')))
  await storeReached

  const closed = app.close()
  const refused = await waitUntilRefused(port)
  // A submission that arrives on the open connection after the close started must not run.
  socket.write(
    rawRequest(
      'POST',
      '/v1/runs',
      { ...as('ada'), 'content-type': 'application/json' },
      JSON.stringify(validSpec({ name: 'after close' })),
    ),
  )
  const lateRejected = await eventually(() =>
    logs.some((line) => line.code === 'API_ERR_SHUTTING_DOWN'),
  )
  release()
  await socketClosed
  await closed

  t.ok(refused, 'new connections are refused once closing starts')
  t.match(raw, /^HTTP\/1\.1 200 OK/, 'the in-flight request finishes')
  t.match(raw, runId, 'with the run')
  t.match(
    raw,
    /\r\nconnection: close\r\n/i,
    'and closes its connection, so the close need not wait',
  )
  t.ok(lateRejected, 'a request arriving during the close is rejected')
  const stored = await runs.listByUser('ada', { limit: 10 })
  t.same(
    stored.items.map((run) => run.runId),
    [runId],
    'and its run is not created',
  )
})

interface ServerProcess {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** PATH and the TypeScript loader settings tap gave this process, and nothing else. */
function loaderEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        (entry[0] === 'PATH' || entry[0].startsWith('TS_NODE_')) && entry[1] !== undefined,
    ),
  )
}

/** Runs src/server.ts in a child process, with the loader tap gave this test process. */
function runServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [...process.execArgv, 'src/server.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...loaderEnvironment(),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  return { child, output: () => output, exited }
}

/** Polls the server's log for the address it listens on, for up to 60 s. */
async function listeningPort(server: ServerProcess): Promise<number | undefined> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(server.output())
    if (match) return Number(match[1])
    if (server.child.exitCode !== null) return undefined
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return undefined
}

t.test('the server process starts, serves and stops cleanly on SIGTERM', async (t) => {
  const db = await setupTestDynamoDb(t)
  const jwks = await startJwksServer(t, [createSigningKey('k1')])
  const server = runServer({
    HOST: '127.0.0.1',
    PORT: '0',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: db.endpoint,
    TABLE_PREFIX: db.prefix,
    COGNITO_ISSUER: jwks.issuer,
    COGNITO_CLIENT_IDS: 'cli',
    QUEUE_CATALOG_PATH: writeCatalog(t),
    CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
    RUN_TOKEN_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
  })
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL')
  })

  const port = await listeningPort(server)
  t.ok(port, `the server listens\n${server.output()}`)
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
  server.child.kill('SIGTERM')
  const code = await server.exited

  t.equal(ready.status, 200)
  t.equal(code, 0, 'exits with code 0')
  t.match(server.output(), '"msg":"server closing"')
})

t.test('the server process exits naming a missing variable', async (t) => {
  const server = runServer({ AWS_REGION: 'us-east-1' })

  const code = await server.exited

  t.equal(code, 1)
  t.match(server.output(), /invalid configuration: .*TABLE_PREFIX.* are missing/)
})
