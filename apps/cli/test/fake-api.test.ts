import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '@trainplane/testkit'
import t from 'tap'
import type { MetricPoint, RunView } from '../src/api/types.js'
import { runInProcess, tempConfigDir } from './helpers/cli-harness.js'
import { type FakeApi, sendError, sendJson, startFakeApi } from './helpers/fake-api.js'

// A plain node:http server replaces the API for the metrics and results routes, which the API
// does not serve yet, and for failures the real API cannot be made to produce (503, non-JSON
// bodies).

const RUN_ID = 'run-01jc5f3q8zj3kdx7v2m4n6p8r0'
const TOKEN = 'fake-access-token'

/** Creates a config directory signed in with a token that stays valid for the whole test. */
function signedInEnv(t: Parameters<typeof tempConfigDir>[0], api: FakeApi) {
  const dir = tempConfigDir(t)
  writeFileSync(
    join(dir, 'credentials.json'),
    JSON.stringify({
      profiles: {
        default: {
          username: 'ada@example.com',
          clientId: 'testclient',
          accessToken: TOKEN,
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        },
      },
    }),
    { mode: 0o600 },
  )
  return { TRAINPLANE_CONFIG_DIR: dir, TRAINPLANE_API_URL: api.url }
}

function runView(status: RunView['status'], history: RunView['status'][]): RunView {
  return {
    runId: RUN_ID,
    userId: 'user-1',
    spec: {
      image: 'registry.example.com/t:1',
      command: ['python', 'train.py'],
      nodes: 1,
      gpusPerNode: 1,
      queue: 'gpu',
      timeoutSeconds: 600,
    },
    status,
    attempt: 1,
    createdAt: '2025-03-01T14:00:00.000Z',
    updatedAt: '2025-03-01T14:00:00.000Z',
    history: history.map((entry, index) => ({
      status: entry,
      attempt: 1,
      at: `2025-03-01T14:0${index}:00.000Z`,
    })),
    ...(status === 'SUCCEEDED' && { endReason: 'COMPLETED' as const, exitCode: 0 }),
  }
}

t.test('metrics table and JSON', async (t) => {
  const points: MetricPoint[] = [
    { name: 'loss', step: 1, value: 2.5, at: '2025-03-01T14:00:01.000Z' },
    { name: 'loss', step: 20, value: 0.75 },
  ]
  const api = await startFakeApi(t, (_request, response) =>
    sendJson(response, 200, { items: points, nextCursor: 'c2' }),
  )
  const env = signedInEnv(t, api)

  const table = await runInProcess(['metrics', RUN_ID, '--name', 'loss', '--limit', '2'], { env })
  const json = await runInProcess(['metrics', RUN_ID, '--json'], { env })

  t.equal(table.code, 0, table.stderr)
  t.equal(
    table.stdout,
    'NAME  STEP  VALUE  AT\nloss     1    2.5  2025-03-01T14:00:01Z\nloss    20   0.75  -\n',
  )
  t.equal(table.stderr, 'More items: repeat the command with --cursor c2\n')
  t.equal(api.requests[0]?.url.pathname, `/v1/runs/${RUN_ID}/metrics`)
  t.equal(api.requests[0]?.url.search, '?limit=2&name=loss')
  t.equal(api.requests[0]?.headers.authorization, `Bearer ${TOKEN}`)
  t.same(JSON.parse(json.stdout), { items: points, nextCursor: 'c2' })
})

t.test('results flattens nested values', async (t) => {
  const api = await startFakeApi(t, (_request, response) =>
    sendJson(response, 200, {
      runId: RUN_ID,
      results: { accuracy: 0.91, eval: { top5: 0.99, split: 'val' }, classes: [1, 2] },
      reportedAt: '2025-03-01T15:00:00.000Z',
    }),
  )

  const result = await runInProcess(['results', RUN_ID], { env: signedInEnv(t, api) })

  t.equal(result.code, 0, result.stderr)
  t.equal(
    result.stdout,
    [
      `Results of run ${RUN_ID}, reported 2025-03-01T15:00:00Z:`,
      'KEY         VALUE',
      'accuracy    0.91',
      'eval.top5   0.99',
      'eval.split  val',
      'classes     [1,2]',
      '',
    ].join('\n'),
  )
})

t.test('watch shows the latest metric', async (t) => {
  let polls = 0
  const api = await startFakeApi(t, (request, response) => {
    if (request.url.pathname.endsWith('/metrics')) {
      // The first request (limit 1, no name) discovers the metric; later ones read the series.
      const steps = request.url.searchParams.has('name') ? Math.min(polls, 3) * 10 : 10
      const items = Array.from({ length: steps / 10 }, (_, index) => ({
        name: 'loss',
        step: (index + 1) * 10,
        value: 1 / (index + 1),
      }))
      sendJson(response, 200, {
        items: request.url.searchParams.has('name') ? items : items.slice(0, 1),
      })
      return
    }
    polls++
    const run =
      polls === 1
        ? runView('RUNNING', ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'RUNNING'])
        : polls < 3
          ? runView('RUNNING', ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'RUNNING'])
          : runView('SUCCEEDED', ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'RUNNING', 'SUCCEEDED'])
    sendJson(response, 200, run)
  })

  const result = await runInProcess(['watch', RUN_ID, '--interval', '0.5'], {
    env: signedInEnv(t, api),
  })

  t.equal(result.code, 0, result.stderr)
  t.equal(
    result.stdout,
    [
      '2025-03-01T14:00:00Z  QUEUED  attempt 1',
      '2025-03-01T14:01:00Z  SUBMITTING  attempt 1',
      '2025-03-01T14:02:00Z  SUBMITTED  attempt 1',
      '2025-03-01T14:03:00Z  RUNNING  attempt 1',
      '-  loss = 1 at step 10',
      '-  loss = 0.5 at step 20',
      '2025-03-01T14:04:00Z  SUCCEEDED  attempt 1',
      '-  loss = 0.3333333333333333 at step 30',
      `run ${RUN_ID} ended SUCCEEDED: COMPLETED, exit code 0`,
      '',
    ].join('\n'),
  )
})

t.test('retries a 503, then succeeds', async (t) => {
  let calls = 0
  const api = await startFakeApi(t, (_request, response) => {
    calls++
    if (calls === 1) {
      response.setHeader('retry-after', '1')
      sendError(response, 503, 'API_ERR_STORE_BUSY', 'the database is throttling requests')
      return
    }
    sendJson(response, 200, { items: [] })
  })

  const delays: number[] = []
  const sleep = async (ms: number) => {
    delays.push(ms)
  }

  const result = await runInProcess(['activity'], { env: signedInEnv(t, api), sleep })

  t.equal(result.code, 0, result.stderr)
  t.equal(calls, 2)
  t.same(delays, [1000], 'waits as long as Retry-After says')
  t.equal(result.stdout, 'No activity.\n')
})

t.test('server errors show the request id', async (t) => {
  const api = await startFakeApi(t, (_request, response) =>
    sendError(
      response,
      500,
      'API_ERR_INTERNAL',
      'internal error; report request id req-1 if it persists',
    ),
  )

  const result = await runInProcess(['runs'], { env: signedInEnv(t, api) })

  t.equal(result.code, 1)
  t.equal(
    result.stderr,
    'error: internal error; report request id req-1 if it persists (API_ERR_INTERNAL)\n  request id: req-1\n',
  )
})

t.test('responses not from the API', async (t) => {
  const api = await startFakeApi(t, (request, response) => {
    if (request.url.pathname === '/v1/queues') {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>')
      return
    }
    response.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Forbidden"}')
  })
  const env = signedInEnv(t, api)

  const html = await runInProcess(['queues'], { env })
  const gateway = await runInProcess(['whoami'], { env })

  t.equal(html.code, 1)
  t.match(
    html.stderr,
    /returned status 200 without a JSON body; check that --api-url names the trainplane API \(CLI_ERR_BAD_RESPONSE\)/,
  )
  t.equal(gateway.code, 1)
  t.equal(gateway.stderr, 'error: Forbidden (HTTP_403)\n')
})

t.test('unreachable API', async (t) => {
  const api = await startFakeApi(t, (_request, response) => sendJson(response, 200, {}))
  // A port that was free a moment ago and that nothing listens on.
  const closedUrl = `http://127.0.0.1:${await freePort()}`
  const env = { ...signedInEnv(t, api), TRAINPLANE_API_URL: closedUrl }

  const delays: number[] = []
  const sleep = async (ms: number) => {
    delays.push(ms)
  }

  const result = await runInProcess(['runs'], { env, sleep })

  t.equal(result.code, 1)
  t.same(delays, [500, 1000], 'three attempts with backoff')
  t.equal(
    result.stderr,
    `error: cannot reach the API at ${closedUrl} (ECONNREFUSED); check the API URL and your network (CLI_ERR_NETWORK)\n`,
  )
})

t.test('output is printable', async (t) => {
  const api = await startFakeApi(t, (_request, response) =>
    sendJson(response, 200, {
      items: [
        {
          ...runView('QUEUED', ['QUEUED']),
          spec: { ...runView('QUEUED', []).spec, name: 'x\u001b]0;pwned\u0007' },
        },
      ],
    }),
  )

  const result = await runInProcess(['runs'], { env: signedInEnv(t, api) })

  t.equal(result.code, 0, result.stderr)
  t.notOk(result.stdout.includes('\u001b'), 'no ESC reaches the terminal')
  t.notOk(result.stdout.includes('\u0007'), 'no BEL reaches the terminal')
  t.match(result.stdout, /x\?\]0;pwned\?/)
})
