// API benchmark: authenticated GET /v1/runs/:id and POST /v1/runs throughput against a bare
// Fastify route returning the same JSON, and their latency against a raw GetItem and PutItem on
// the same DynamoDB Local. Servers, DynamoDB Local and the JWKS run on 127.0.0.1, started and
// stopped here. Each server is a child process, so the load generator does not share its
// event loop.
//
// Usage (from the repository root): npm run bench:api
//   or, once the packages are built: node bench/api.mjs [seconds per throughput run]
//
// The machine's other work moves absolute figures a lot, so throughput runs alternate between
// the bare server and the API and the median of the per-round ratios is reported.
import { spawn } from 'node:child_process'
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, createServer, request as httpRequest } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import autocannon from 'autocannon'

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }
const REGION = 'us-east-1'
const CLIENT_ID = 'bench-client'
const KEY_ID = 'bench-key'
const DURATION_SECONDS = Number(process.argv[2] ?? 5)
/** Bare and API runs alternate this many times; the median ratio is reported. */
const ROUNDS = 3
const CONNECTIONS = 10
const LATENCY_SAMPLES = 2000
const LATENCY_WARMUP = 200
const SELF = fileURLToPath(import.meta.url)

const CATALOG = {
  queues: [
    {
      name: 'gpu',
      jobQueue: 'bench-gpu',
      jobDefinition: 'bench-mnp:1',
      maxNodes: 8,
      gpusPerNode: 8,
      vcpusPerNode: 96,
      memoryMiBPerNode: 786_432,
      sharedMemoryMiB: 65_536,
      spot: false,
      fairShare: true,
      maxRunnableSeconds: 3600,
      maxTimeoutSeconds: 86_400,
      pricePerGpuHour: 4.1,
      allowedImagePrefixes: ['123456789012.dkr.ecr.us-east-1.amazonaws.com/'],
    },
  ],
}

const SPEC = {
  name: 'bench',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainers/resnet:1.0',
  command: ['python', 'train.py', '--epochs', '90'],
  nodes: 4,
  gpusPerNode: 8,
  queue: 'gpu',
  timeoutSeconds: 36_000,
  hyperparameters: { lr: 0.1, batch_size: 256, optimizer: 'sgd' },
  environment: { NCCL_DEBUG: 'WARN' },
  tags: { project: 'bench' },
}

/** A bare Fastify server that returns the API's JSON without doing anything else. */
async function serveCeiling(runJson) {
  const { default: Fastify } = await import('fastify')
  const app = Fastify()
  app.get('/v1/runs/:id', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(runJson),
  )
  app.post('/v1/runs', async (_request, reply) =>
    reply.code(202).type('application/json; charset=utf-8').send(runJson),
  )
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`)
}

/**
 * Serves the API as built in apps/api/dist. With `memory`, the repositories use a store served
 * in-process, which isolates the API's own cost. With `dynamodb`, they use DynamoDB Local.
 */
async function serveApi(store) {
  const { buildApp, loadConfig } = await import('@trainplane/api')
  const config = loadConfig(process.env)
  const overrides = store === 'memory' ? { dynamoDb: inMemoryClients() } : {}
  const app = await buildApp(config, overrides)
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`)
}

/**
 * Document client stand-in that keeps items in a Map and serves the commands the submit and
 * read paths send (GetCommand, PutCommand, TransactWriteCommand).
 */
function inMemoryClients() {
  const items = new Map()
  const keyOf = (table, item) =>
    table.endsWith('-activity')
      ? `${table}|${item.userId}|${item.activityKey}`
      : `${table}|${item.runId}`
  const put = ({ TableName, Item }) => items.set(keyOf(TableName, Item), structuredClone(Item))

  const document = {
    async send(command) {
      const input = command.input
      switch (command.constructor.name) {
        case 'GetCommand':
          return { Item: structuredClone(items.get(keyOf(input.TableName, input.Key))) }
        case 'PutCommand':
          put(input)
          return {}
        case 'TransactWriteCommand':
          for (const entry of input.TransactItems) put(entry.Put)
          return {}
        default:
          throw new Error(`the in-memory store does not implement ${command.constructor.name}`)
      }
    },
  }
  const client = { send: async () => ({}), destroy() {} }
  return { client, document }
}

async function main() {
  const { createDynamoDbClients, createTables, tableNames } = await import('@trainplane/shared')
  const { startDynamoDbLocal } = await import('@trainplane/testkit')
  const cleanups = []
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined)
  }

  try {
    const dynamo = await startDynamoDbLocal()
    cleanups.push(() => dynamo.stop())
    const prefix = `bench-${randomBytes(4).toString('hex')}`
    const { client } = createDynamoDbClients({
      region: REGION,
      endpoint: dynamo.endpoint,
      credentials: CREDENTIALS,
    })
    cleanups.push(async () => client.destroy())
    await createTables(client, prefix)
    const tables = tableNames(prefix)

    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwks = await startJwks(keys.publicKey)
    cleanups.push(() => jwks.close())
    const token = mintToken(keys.privateKey, jwks.issuer)
    const auth = { authorization: `Bearer ${token}` }

    const dir = mkdtempSync(join(tmpdir(), 'trainplane-bench-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    const catalogPath = join(dir, 'queues.json')
    writeFileSync(catalogPath, JSON.stringify(CATALOG))

    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      TABLE_PREFIX: prefix,
      COGNITO_ISSUER: jwks.issuer,
      COGNITO_CLIENT_IDS: CLIENT_ID,
      QUEUE_CATALOG_PATH: catalogPath,
      CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
      RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'warn',
    }

    // Throughput: the API with its store served in-process against the bare ceiling.
    const memoryApi = await startServer(['--serve-api', 'memory'], env)
    cleanups.push(() => memoryApi.stop())
    const memoryRun = await call(memoryApi.port, 'POST', '/v1/runs', auth, SPEC)
    const runJson = await call(memoryApi.port, 'GET', `/v1/runs/${memoryRun.runId}`, auth)
    const ceiling = await startServer(['--serve-ceiling', JSON.stringify(runJson)], env)
    cleanups.push(() => ceiling.stop())

    const getPath = `/v1/runs/${memoryRun.runId}`
    const throughput = {
      get: await compare(
        () => load(ceiling, 'GET', getPath, auth),
        () => load(memoryApi, 'GET', getPath, auth),
      ),
      post: await compare(
        () => load(ceiling, 'POST', '/v1/runs', auth, SPEC),
        () => load(memoryApi, 'POST', '/v1/runs', auth, SPEC),
      ),
    }
    await memoryApi.stop()
    await ceiling.stop()

    // Latency: the API on DynamoDB Local against raw calls to the same DynamoDB Local.
    const dynamoApi = await startServer(['--serve-api', 'dynamodb'], env)
    cleanups.push(() => dynamoApi.stop())
    const stored = await call(dynamoApi.port, 'POST', '/v1/runs', auth, SPEC)
    const storedItem = (
      await client.send(
        new GetItemCommand({ TableName: tables.runs, Key: marshall({ runId: stored.runId }) }),
      )
    ).Item

    const latency = {
      rawGet: await timeCalls(() =>
        client.send(
          new GetItemCommand({
            TableName: tables.runs,
            Key: marshall({ runId: stored.runId }),
            ConsistentRead: true,
          }),
        ),
      ),
      apiGet: await timeCalls(() => call(dynamoApi.port, 'GET', `/v1/runs/${stored.runId}`, auth)),
      rawPut: await timeCalls(() =>
        client.send(
          new PutItemCommand({
            TableName: tables.runs,
            Item: { ...storedItem, runId: { S: `bench-${randomBytes(8).toString('hex')}` } },
            ConditionExpression: 'attribute_not_exists(runId)',
          }),
        ),
      ),
      apiPost: await timeCalls(() => call(dynamoApi.port, 'POST', '/v1/runs', auth, SPEC)),
    }

    report(throughput, latency)
  } finally {
    await cleanup()
  }
}

/** Starts this script in a server mode and waits for the port it prints. */
function startServer(args, env) {
  const child = spawn(process.execPath, [SELF, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  }
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk.toString()
      const line = output.split('\n').find((text) => text.startsWith('{"port"'))
      if (line) resolve({ port: JSON.parse(line).port, pid: child.pid, stop })
    })
    child.once('exit', (code) => reject(new Error(`server ${args.join(' ')} exited with ${code}`)))
  })
}

/** Serves one RSA key as a JWKS, the issuer's keys for the API under test. */
async function startJwks(publicKey) {
  const body = JSON.stringify({
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' }],
  })
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${server.address().port}/pool`
  return {
    issuer,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}

/** Mints a Cognito-shaped access token, valid for an hour, signed with node:crypto. */
function mintToken(privateKey, issuer) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const header = encode({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })
  const claims = encode({
    iss: issuer,
    sub: 'bench-user',
    client_id: CLIENT_ID,
    token_use: 'access',
    username: 'bench-user',
    iat: now,
    exp: now + 3600,
  })
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), privateKey)
  return `${header}.${claims}.${signature.toString('base64url')}`
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 })

/** Sends one request over a kept-alive connection and resolves with the parsed JSON body. */
function call(port, method, path, headers, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: keepAlive,
        headers: { ...headers, ...(payload && { 'content-type': 'application/json' }) },
      },
      (response) => {
        let text = ''
        response.on('data', (chunk) => {
          text += chunk
        })
        response.on('end', () => {
          if (response.statusCode >= 300) {
            reject(new Error(`${method} ${path} returned ${response.statusCode}: ${text}`))
          } else {
            resolve(JSON.parse(text))
          }
        })
      },
    )
    req.once('error', reject)
    req.end(payload)
  })
}

/**
 * Alternates bare and API runs. Returns the medians of the rates and of their ratio, and the
 * median ratio of server CPU time per request (bare over API).
 */
async function compare(loadCeiling, loadApi) {
  const rounds = []
  for (let round = 0; round < ROUNDS; round++) {
    const ceiling = await loadCeiling()
    const api = await loadApi()
    rounds.push({ ceiling, api })
  }
  return {
    ceiling: median(rounds.map((round) => round.ceiling.rate)),
    api: median(rounds.map((round) => round.api.rate)),
    ratios: rounds.map((round) => round.api.rate / round.ceiling.rate),
    ratio: median(rounds.map((round) => round.api.rate / round.ceiling.rate)),
    ceilingCpu: median(rounds.map((round) => round.ceiling.cpuMicrosPerRequest)),
    apiCpu: median(rounds.map((round) => round.api.cpuMicrosPerRequest)),
    cpuRatio: median(
      rounds.map((round) => round.ceiling.cpuMicrosPerRequest / round.api.cpuMicrosPerRequest),
    ),
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * Requests per second autocannon reaches after a short warm-up, and the server's CPU time per
 * request, read from /proc, which depends less on other work on the machine than throughput.
 */
async function load(server, method, path, headers, body) {
  const port = server.port
  const options = {
    url: `http://127.0.0.1:${port}${path}`,
    method,
    connections: CONNECTIONS,
    headers: { ...headers, ...(body && { 'content-type': 'application/json' }) },
    ...(body && { body: JSON.stringify(body) }),
  }
  await autocannon({ ...options, duration: 1 })
  const cpuBefore = cpuSeconds(server.pid)
  const result = await autocannon({ ...options, duration: DURATION_SECONDS })
  const cpu = cpuSeconds(server.pid) - cpuBefore
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${method} ${path}: ${result.non2xx} non-2xx responses, ${result.errors} errors`,
    )
  }
  return { rate: result.requests.average, cpuMicrosPerRequest: (cpu * 1e6) / result.requests.total }
}

/** User and system CPU time of a process so far, in seconds (Linux /proc). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  // utime and stime are fields 14 and 15 of the line, in clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** p50 and p99 in milliseconds of calls made one at a time, after a warm-up. */
async function timeCalls(fn) {
  for (let i = 0; i < LATENCY_WARMUP; i++) await fn()
  const samples = []
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]
  return { p50: at(0.5), p99: at(0.99) }
}

function report(throughput, latency) {
  const cpuModel = cpus()[0]?.model ?? 'unknown'
  const fixed = (value, digits = 2) => value.toFixed(digits)
  const lines = [
    `machine: ${cpus().length} cores, ${cpuModel}, Node.js ${process.version}, load average ${loadavg()
      .map((value) => fixed(value))
      .join(' ')}`,
    '',
    `throughput, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_SECONDS} s, requests/s, medians (store served in-process):`,
    ...[
      ['GET  /v1/runs/:id', throughput.get],
      ['POST /v1/runs    ', throughput.post],
    ].map(
      ([route, result]) =>
        `  ${route}  API ${fixed(result.api, 0)}  bare ${fixed(result.ceiling, 0)}  ratio ${fixed(result.ratio)}  (rounds ${result.ratios.map((ratio) => fixed(ratio)).join(', ')})  server CPU per request: API ${fixed(result.apiCpu, 0)} µs, bare ${fixed(result.ceilingCpu, 0)} µs, ratio ${fixed(result.cpuRatio)}`,
    ),
    '',
    `latency, one request at a time, ${LATENCY_SAMPLES} samples, ms (DynamoDB Local):`,
    `  GET  /v1/runs/:id  p50 ${fixed(latency.apiGet.p50)}  p99 ${fixed(latency.apiGet.p99)}  | raw GetItem p50 ${fixed(latency.rawGet.p50)}  p99 ${fixed(latency.rawGet.p99)}  | added p50 ${fixed(latency.apiGet.p50 - latency.rawGet.p50)}  ratio p50 ${fixed(latency.apiGet.p50 / latency.rawGet.p50)}  p99 ${fixed(latency.apiGet.p99 / latency.rawGet.p99)}`,
    `  POST /v1/runs      p50 ${fixed(latency.apiPost.p50)}  p99 ${fixed(latency.apiPost.p99)}  | raw PutItem p50 ${fixed(latency.rawPut.p50)}  p99 ${fixed(latency.rawPut.p99)}  | added p50 ${fixed(latency.apiPost.p50 - latency.rawPut.p50)}  ratio p50 ${fixed(latency.apiPost.p50 / latency.rawPut.p50)}  p99 ${fixed(latency.apiPost.p99 / latency.rawPut.p99)}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

// Child process modes: each prints {"port": n} once it listens.
const mode = process.argv[2]
if (mode === '--serve-ceiling') {
  await serveCeiling(process.argv[3] ?? '{}')
} else if (mode === '--serve-api') {
  await serveApi(process.argv[3])
} else {
  await main()
}
