import { mintRunToken, ResultsRepository, RunRepository, type RunSpec } from '@trainplane/shared'
import t, { type Test } from 'tap'
import { validSpec } from './helpers/catalog.js'
import { startForgedIdentityApp } from './helpers/forged-identity.js'

const HOUR_SECONDS = 3600

async function setup(t: Test, env: Record<string, string> = {}) {
  const api = await startForgedIdentityApp(t, { env })
  const runs = new RunRepository(api.db.document, api.db.tables, api.db.cursors)
  const results = new ResultsRepository(api.db.document, api.db.tables, api.db.cursors)
  const key = api.config.runTokenKey

  const createRun = async (userId = 'ada') =>
    (await runs.create({ userId, spec: validSpec() as RunSpec })).run
  const tokenFor = (runId: string, exp = Math.floor(Date.now() / 1000) + HOUR_SECONDS) =>
    mintRunToken(key, runId, exp)
  const reportMetrics = (runId: string, token: string, payload: unknown) =>
    api.app.inject({
      method: 'POST',
      url: `/v1/runs/${runId}/metrics`,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    })
  const reportResults = (runId: string, token: string, payload: unknown) =>
    api.app.inject({
      method: 'PUT',
      url: `/v1/runs/${runId}/results`,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    })

  return { ...api, runs, results, createRun, tokenFor, reportMetrics, reportResults }
}

t.test('metrics and results reported with the run token read back', async (t) => {
  const { app, as, createRun, tokenFor, reportMetrics, reportResults } = await setup(t)
  const run = await createRun('ada')
  const token = tokenFor(run.runId)

  const metrics = await reportMetrics(run.runId, token, {
    points: [
      { name: 'train/loss', step: 1, value: 0.9, at: '2026-12-04T20:25:45.123Z' },
      { name: 'train/loss', step: 2, value: 0.5 },
      { name: 'eval.accuracy', step: 2, value: 0.71 },
    ],
  })
  const stored = await reportResults(run.runId, token, { results: { accuracy: 0.97, epochs: 10 } })
  const loss = await app.inject({
    url: `/v1/runs/${run.runId}/metrics?name=train/loss`,
    headers: as('ada'),
  })
  const all = await app.inject({ url: `/v1/runs/${run.runId}/metrics`, headers: as('ada') })
  const readResults = await app.inject({
    url: `/v1/runs/${run.runId}/results`,
    headers: as('ada'),
  })

  t.equal(metrics.statusCode, 202)
  t.same(metrics.json(), { accepted: 3 })
  t.equal(stored.statusCode, 200)
  t.equal(stored.json().runId, run.runId)
  t.same(stored.json().results, { accuracy: 0.97, epochs: 10 })
  t.ok(Date.parse(stored.json().reportedAt), 'reportedAt is a time')

  t.equal(loss.statusCode, 200)
  t.same(loss.json().items[0], {
    name: 'train/loss',
    step: 1,
    value: 0.9,
    at: '2026-12-04T20:25:45.123Z',
  })
  t.same(
    loss.json().items.map((point: { step: number }) => point.step),
    [1, 2],
  )
  t.ok(loss.json().items[1].at, 'a point without `at` gets the time it arrived')
  t.notOk('nextCursor' in loss.json())
  t.same(
    all.json().items.map((point: { name: string }) => point.name),
    ['eval.accuracy', 'train/loss', 'train/loss'],
    'every metric, by name and then step',
  )

  t.equal(readResults.statusCode, 200)
  t.same(readResults.json(), stored.json())
})

t.test('metric listing pages with a cursor and bounds the limit', async (t) => {
  const { app, as, createRun, tokenFor, reportMetrics } = await setup(t)
  const run = await createRun('ada')
  const points = Array.from({ length: 5 }, (_, step) => ({ name: 'loss', step, value: step }))
  await reportMetrics(run.runId, tokenFor(run.runId), { points })

  const first = await app.inject({
    url: `/v1/runs/${run.runId}/metrics?name=loss&limit=3`,
    headers: as('ada'),
  })
  const second = await app.inject({
    url: `/v1/runs/${run.runId}/metrics?name=loss&limit=3&cursor=${first.json().nextCursor}`,
    headers: as('ada'),
  })
  const tooMany = await app.inject({
    url: `/v1/runs/${run.runId}/metrics?limit=1001`,
    headers: as('ada'),
  })
  const badName = await app.inject({
    url: `/v1/runs/${run.runId}/metrics?name=${encodeURIComponent('a b')}`,
    headers: as('ada'),
  })

  t.same(
    first.json().items.map((point: { step: number }) => point.step),
    [0, 1, 2],
  )
  t.ok(first.json().nextCursor)
  t.same(
    second.json().items.map((point: { step: number }) => point.step),
    [3, 4],
  )
  t.equal(tooMany.statusCode, 400)
  t.equal(tooMany.json().error.field, 'limit')
  t.equal(badName.statusCode, 400)
  t.equal(badName.json().error.field, 'name')
})

t.test('a repeated step in one report stores the last point', async (t) => {
  const { results, createRun, tokenFor, reportMetrics } = await setup(t)
  const run = await createRun('ada')

  const response = await reportMetrics(run.runId, tokenFor(run.runId), {
    points: [
      { name: 'loss', step: 7, value: 1 },
      { name: 'loss', step: 7, value: 2 },
    ],
  })

  t.equal(response.statusCode, 202)
  t.same(response.json(), { accepted: 2 })
  const stored = await results.listMetric(run.runId, 'loss', { limit: 10 })
  t.equal(stored.items.length, 1)
  t.equal(stored.items[0]?.value, 2)
})

t.test('reporting routes reject every token but the run token', async (t) => {
  const { as, createRun, tokenFor, results, reportMetrics, reportResults, app } = await setup(t)
  const run = await createRun('ada')
  const other = await createRun('ada')
  const cognito = as('ada').authorization.replace(/^Bearer /, '')
  const valid = tokenFor(run.runId)
  const cases: [string, string, string][] = [
    ['token of another run', tokenFor(other.runId), 'API_ERR_RUN_TOKEN_INVALID'],
    [
      'expired token',
      tokenFor(run.runId, Math.floor(Date.now() / 1000) - 1),
      'API_ERR_RUN_TOKEN_EXPIRED',
    ],
    ['garbage', 'not-a-token', 'API_ERR_RUN_TOKEN_INVALID'],
    ['Cognito access token', cognito, 'API_ERR_RUN_TOKEN_INVALID'],
    ['tampered signature', `${valid.slice(0, -2)}AA`, 'API_ERR_RUN_TOKEN_INVALID'],
  ]

  for (const [name, token, code] of cases) {
    const metrics = await reportMetrics(run.runId, token, {
      points: [{ name: 'loss', step: 1, value: 1 }],
    })
    const stored = await reportResults(run.runId, token, { results: { a: 1 } })

    t.equal(metrics.statusCode, 401, `${name}: metrics`)
    t.equal(metrics.json().error.code, code, `${name}: metrics code`)
    t.equal(stored.statusCode, 401, `${name}: results`)
    t.equal(stored.json().error.code, code, `${name}: results code`)
  }

  const missing = await app.inject({
    method: 'POST',
    url: `/v1/runs/${run.runId}/metrics`,
    payload: { points: [{ name: 'loss', step: 1, value: 1 }] },
  })
  t.equal(missing.statusCode, 401)
  t.equal(missing.json().error.code, 'API_ERR_RUN_TOKEN_MISSING')

  t.equal((await results.listMetrics(run.runId, { limit: 10 })).items.length, 0, 'no points')
  t.equal(await results.getResults(run.runId), undefined, 'no results')
})

t.test('run token messages reveal no reason', async (t) => {
  const { createRun, tokenFor, reportMetrics } = await setup(t)
  const run = await createRun('ada')
  const other = await createRun('ada')

  const response = await reportMetrics(run.runId, tokenFor(other.runId), { points: [] })

  t.equal(response.statusCode, 401)
  t.notMatch(response.json().error.message, /another run|signature|other/)
  t.notOk(response.json().error.field)
})

t.test('a run token for a run that does not exist is a 404', async (t) => {
  const { tokenFor, reportMetrics } = await setup(t)
  const runId = 'run-01jc5f3q8zj3kdx7v2m4n6p8r0'

  const response = await reportMetrics(runId, tokenFor(runId), {
    points: [{ name: 'loss', step: 1, value: 1 }],
  })

  t.equal(response.statusCode, 404)
  t.equal(response.json().error.code, 'API_ERR_RUN_NOT_FOUND')
})

t.test('a run accepts reports during the grace period only', async (t) => {
  const { runs, results, createRun, tokenFor, reportMetrics, reportResults } = await setup(t, {
    RUN_REPORT_GRACE_SECONDS: '600',
  })
  const endedLongAgo = await createRun('ada')
  const endedJustNow = await createRun('ada')
  const longAgo = new Date(Date.now() - HOUR_SECONDS * 1000).toISOString()
  const justNow = new Date().toISOString()
  for (const [run, at] of [
    [endedLongAgo, longAgo],
    [endedJustNow, justNow],
  ] as const) {
    await runs.transition(run.runId, run, {
      status: 'FAILED',
      attempt: 0,
      at,
      details: { endedAt: at, endReason: 'APPLICATION_ERROR' },
    })
  }
  const point = { points: [{ name: 'loss', step: 1, value: 1 }] }

  const closedMetrics = await reportMetrics(endedLongAgo.runId, tokenFor(endedLongAgo.runId), point)
  const closedResults = await reportResults(endedLongAgo.runId, tokenFor(endedLongAgo.runId), {
    results: { a: 1 },
  })
  const open = await reportMetrics(endedJustNow.runId, tokenFor(endedJustNow.runId), point)

  t.equal(closedMetrics.statusCode, 409)
  t.equal(closedMetrics.json().error.code, 'API_ERR_RUN_REPORTING_CLOSED')
  t.equal(closedResults.statusCode, 409)
  t.equal(closedResults.json().error.code, 'API_ERR_RUN_REPORTING_CLOSED')
  t.equal(open.statusCode, 202, 'a run that just ended still accepts points')
  t.equal((await results.listMetrics(endedLongAgo.runId, { limit: 10 })).items.length, 0)
  t.equal(await results.getResults(endedLongAgo.runId), undefined)
})

t.test('invalid points are a 400 naming the field and store nothing', async (t) => {
  const { results, createRun, tokenFor, reportMetrics } = await setup(t)
  const run = await createRun('ada')
  const token = tokenFor(run.runId)
  const good = { name: 'loss', step: 1, value: 1 }
  const cases: [string, unknown, string][] = [
    [
      'value as a NaN string',
      { points: [good, { ...good, step: 2, value: 'NaN' }] },
      '/points/1/value',
    ],
    [
      'value as an Infinity string',
      { points: [{ ...good, value: 'Infinity' }] },
      '/points/0/value',
    ],
    ['negative step', { points: [{ ...good, step: -1 }] }, '/points/0/step'],
    ['step too large', { points: [{ ...good, step: 1_000_000_000_000 }] }, '/points/0/step'],
    ['fractional step', { points: [{ ...good, step: 1.5 }] }, '/points/0/step'],
    ['name with a space', { points: [{ ...good, name: 'train loss' }] }, '/points/0/name'],
    ['name too long', { points: [{ ...good, name: 'n'.repeat(129) }] }, '/points/0/name'],
    ['at not a time', { points: [{ ...good, at: 'yesterday' }] }, '/points/0/at'],
    ['no points', { points: [] }, '/points'],
    [
      '501 points',
      { points: Array.from({ length: 501 }, (_, step) => ({ ...good, step })) },
      '/points',
    ],
    ['points missing', {}, '/points'],
    [
      'value too small to store',
      { points: [good, { ...good, step: 2, value: 1e-300 }] },
      '/points/1/value',
    ],
    ['value too large to store', { points: [{ ...good, value: -1e200 }] }, '/points/0/value'],
  ]

  for (const [name, payload, field] of cases) {
    const response = await reportMetrics(run.runId, token, payload)

    t.equal(response.statusCode, 400, name)
    t.equal(response.json().error.code, 'API_ERR_VALIDATION', `${name}: code`)
    t.equal(response.json().error.field, field, `${name}: field`)
  }
  t.equal((await results.listMetrics(run.runId, { limit: 10 })).items.length, 0, 'no points')
})

t.test('500 points with long names fit the body limit', async (t) => {
  const { results, createRun, tokenFor, reportMetrics } = await setup(t)
  const run = await createRun('ada')
  const name = 'n'.repeat(128)
  const points = Array.from({ length: 500 }, (_, step) => ({
    name,
    step: 999_999_999_000 + step,
    value: -1.234567890123456e-100,
    at: '2026-12-04T20:25:45.123Z',
  }))

  const response = await reportMetrics(run.runId, tokenFor(run.runId), { points })

  t.equal(response.statusCode, 202)
  t.same(response.json(), { accepted: 500 })
  const stored = await results.listMetric(run.runId, name, { limit: 1000 })
  t.equal(stored.items.length, 500)
})

t.test('invalid or oversized results are rejected and store nothing', async (t) => {
  const { app, results, createRun, tokenFor, reportResults } = await setup(t)
  const run = await createRun('ada')
  const token = tokenFor(run.runId)

  const notObject = await reportResults(run.runId, token, { results: [1, 2] })
  const missing = await reportResults(run.runId, token, { result: { a: 1 } })
  const tooLarge = await reportResults(run.runId, token, {
    results: { blob: 'x'.repeat(64 * 1024) },
  })
  const textBody = await app.inject({
    method: 'PUT',
    url: `/v1/runs/${run.runId}/results`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
    payload: 'accuracy=0.9',
  })

  t.equal(notObject.statusCode, 400)
  t.equal(notObject.json().error.field, '/results')
  t.equal(missing.statusCode, 400)
  t.equal(tooLarge.statusCode, 413)
  t.equal(tooLarge.json().error.code, 'API_ERR_RESULTS_TOO_LARGE')
  t.equal(tooLarge.json().error.field, '/results')
  t.equal(textBody.statusCode, 415)
  t.equal(await results.getResults(run.runId), undefined)
})

t.test('results exactly at the size limit are accepted', async (t) => {
  const { createRun, tokenFor, reportResults } = await setup(t)
  const run = await createRun('ada')
  // {"blob":"…"} is 11 bytes around the string.
  const results = { blob: 'x'.repeat(64 * 1024 - 11) }

  const response = await reportResults(run.runId, tokenFor(run.runId), { results })

  t.equal(Buffer.byteLength(JSON.stringify(results)), 64 * 1024)
  t.equal(response.statusCode, 200)
})

t.test('metrics and results are visible to the owner and admins only', async (t) => {
  const { app, as, createRun, tokenFor, reportMetrics, reportResults } = await setup(t)
  const run = await createRun('ada')
  const token = tokenFor(run.runId)
  await reportMetrics(run.runId, token, { points: [{ name: 'loss', step: 1, value: 1 }] })
  await reportResults(run.runId, token, { results: { a: 1 } })

  for (const path of ['metrics', 'results']) {
    const stranger = await app.inject({
      url: `/v1/runs/${run.runId}/${path}`,
      headers: as('grace'),
    })
    const admin = await app.inject({
      url: `/v1/runs/${run.runId}/${path}`,
      headers: as('root', ['admins']),
    })
    const anonymous = await app.inject({ url: `/v1/runs/${run.runId}/${path}` })
    const withRunToken = await app.inject({
      url: `/v1/runs/${run.runId}/${path}`,
      headers: { authorization: `Bearer ${token}` },
    })

    t.equal(stranger.statusCode, 404, `${path}: another user`)
    t.equal(stranger.json().error.code, 'API_ERR_RUN_NOT_FOUND', `${path}: another user code`)
    t.equal(admin.statusCode, 200, `${path}: admin`)
    t.equal(anonymous.statusCode, 401, `${path}: no token`)
    t.equal(withRunToken.statusCode, 401, `${path}: the run token cannot read`)
  }
})

t.test('results of a run that reported none are a 404', async (t) => {
  const { app, as, createRun } = await setup(t)
  const run = await createRun('ada')

  const response = await app.inject({ url: `/v1/runs/${run.runId}/results`, headers: as('ada') })

  t.equal(response.statusCode, 404)
  t.equal(response.json().error.code, 'API_ERR_RESULTS_NOT_FOUND')
})

t.test('reports are rate-limited per run', async (t) => {
  const { createRun, tokenFor, reportMetrics } = await setup(t, { RATE_LIMIT_PER_MINUTE: '2' })
  const busy = await createRun('ada')
  const quiet = await createRun('ada')
  const point = { points: [{ name: 'loss', step: 1, value: 1 }] }

  const statuses: number[] = []
  for (let i = 0; i < 3; i++) {
    statuses.push((await reportMetrics(busy.runId, tokenFor(busy.runId), point)).statusCode)
  }
  const other = await reportMetrics(quiet.runId, tokenFor(quiet.runId), point)

  t.same(statuses, [202, 202, 429])
  t.equal(other.statusCode, 202, 'another run from the same address has its own limit')
})
