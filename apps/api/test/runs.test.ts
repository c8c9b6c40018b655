import { ActivityRepository, RunRepository } from '@trainplane/shared'
import t, { type Test } from 'tap'
import { TEST_CATALOG, validSpec } from './helpers/catalog.js'
import { startForgedIdentityApp } from './helpers/forged-identity.js'

async function setup(t: Test, env: Record<string, string> = {}) {
  const api = await startForgedIdentityApp(t, { env })
  return {
    ...api,
    runs: new RunRepository(api.db.document, api.db.tables, api.db.cursors),
    activity: new ActivityRepository(api.db.document, api.db.tables, api.db.cursors),
    submit: (userId: string, spec = validSpec(), headers: Record<string, string> = {}) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/runs',
        headers: { ...api.as(userId), ...headers },
        payload: spec,
      }),
  }
}

t.test('submit stores a QUEUED run and returns 202 with its id', async (t) => {
  const { submit, runs, activity } = await setup(t)

  const response = await submit('ada', validSpec(), { 'x-request-id': 'req-submit-1' })

  t.equal(response.statusCode, 202)
  const body = response.json()
  t.match(body.runId, /^run-[0-9a-z]{26}$/)
  t.equal(body.status, 'QUEUED')
  t.equal(response.headers.location, `/v1/runs/${body.runId}`)
  t.equal(response.headers['x-request-id'], 'req-submit-1')
  t.same(
    body.history.map((entry: { status: string }) => entry.status),
    ['QUEUED'],
  )
  t.equal(body.shareIdentifier, 'default')
  for (const internal of ['leaseOwner', 'leaseExpiresAt', 'listPartition', 'createdKey', 'rank']) {
    t.notOk(internal in body, `${internal} stays internal`)
  }

  const stored = await runs.get(body.runId)
  t.same(stored?.spec, validSpec(), 'the specification is stored as sent')
  const recorded = await activity.list('ada', { limit: 10 })
  t.equal(recorded.items.length, 1)
  t.match(recorded.items[0], {
    action: 'run.submit',
    runId: body.runId,
    requestId: 'req-submit-1',
    sourceIp: '127.0.0.1',
  })
})

t.test('Idempotency-Key returns the same run, or 409 for another body', async (t) => {
  const { submit, runs, activity } = await setup(t)
  const headers = { 'idempotency-key': 'nightly-2024-06-01' }

  const first = await submit('ada', validSpec(), headers)
  const repeat = await submit('ada', validSpec(), headers)
  const conflict = await submit('ada', validSpec({ nodes: 4 }), headers)
  const otherUser = await submit('grace', validSpec(), headers)

  t.equal(first.statusCode, 202)
  t.equal(repeat.statusCode, 200, 'a repeat answers 200')
  t.equal(repeat.json().runId, first.json().runId)
  t.equal(repeat.headers['idempotent-replayed'], 'true')
  t.equal(conflict.statusCode, 409)
  t.equal(conflict.json().error.code, 'API_ERR_IDEMPOTENCY_CONFLICT')
  t.equal(conflict.json().error.field, 'idempotency-key')
  t.equal(otherUser.statusCode, 202, 'keys are per user')
  t.not(otherUser.json().runId, first.json().runId)

  t.equal((await runs.listByUser('ada', { limit: 10 })).items.length, 1, 'one run stored')
  t.equal((await activity.list('ada', { limit: 10 })).items.length, 1, 'one activity record')
})

t.test('list returns own runs newest first, by status, in pages', async (t) => {
  const { app, as, submit } = await setup(t)
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    ids.push((await submit('ada', validSpec({ name: `run ${i}` }))).json().runId)
  }
  await submit('grace')
  await app.inject({ method: 'POST', url: `/v1/runs/${ids[0]}/cancel`, headers: as('ada') })

  const seen: string[] = []
  let cursor: string | undefined
  do {
    const query: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : 'limit=2'
    const page = await app.inject({ url: `/v1/runs?${query}`, headers: as('ada') })
    t.equal(page.statusCode, 200)
    t.ok(page.json().items.length <= 2)
    seen.push(...page.json().items.map((run: { runId: string }) => run.runId))
    cursor = page.json().nextCursor
  } while (cursor)
  t.same(seen, [...ids].reverse(), 'every run once, newest first')

  const cancelled = await app.inject({ url: '/v1/runs?status=CANCELLED', headers: as('ada') })
  t.same(
    cancelled.json().items.map((run: { runId: string }) => run.runId),
    [ids[0]],
  )
  t.notOk('history' in cancelled.json().items[0], 'listings leave out the history')

  const firstPage = await app.inject({ url: '/v1/runs?limit=2', headers: as('ada') })
  const foreignCursor = await app.inject({
    url: `/v1/runs?cursor=${encodeURIComponent(firstPage.json().nextCursor)}`,
    headers: as('grace'),
  })
  t.equal(foreignCursor.statusCode, 400, "another user's cursor is rejected")
  t.equal(foreignCursor.json().error.code, 'API_ERR_INVALID_CURSOR')
  t.equal(foreignCursor.json().error.field, 'cursor')
})

t.test('get returns a run with its history; unknown ids are 404', async (t) => {
  const { app, as, submit } = await setup(t)
  const runId = (await submit('ada', validSpec(), { 'idempotency-key': 'k1' })).json().runId

  const found = await app.inject({ url: `/v1/runs/${runId}`, headers: as('ada') })
  const unknown = await app.inject({
    url: '/v1/runs/run-00000000000000000000000000',
    headers: as('ada'),
  })
  const malformed = await app.inject({ url: '/v1/runs/not-a-run', headers: as('ada') })
  const idempotencyRecord = await app.inject({
    url: `/v1/runs/${encodeURIComponent('idempotency#ada#k1')}`,
    headers: as('ada'),
  })

  t.equal(found.statusCode, 200)
  t.equal(found.json().runId, runId)
  t.equal(found.json().history.length, 1)
  for (const response of [unknown, malformed, idempotencyRecord]) {
    t.equal(response.statusCode, 404)
    t.equal(response.json().error.code, 'API_ERR_RUN_NOT_FOUND')
  }
})

t.test('cancel ends a queued run at once', async (t) => {
  const { app, as, submit, runs, activity } = await setup(t)
  const runId = (await submit('ada')).json().runId

  const response = await app.inject({
    method: 'POST',
    url: `/v1/runs/${runId}/cancel`,
    headers: as('ada'),
  })

  t.equal(response.statusCode, 202)
  t.equal(response.json().status, 'CANCELLED')
  t.equal(response.json().endReason, 'USER_CANCELLED')
  t.equal((await runs.get(runId))?.status, 'CANCELLED')
  const actions = (await activity.list('ada', { limit: 10 })).items.map((item) => item.action)
  t.same(actions, ['run.cancel', 'run.submit'])
})

t.test('cancel of a run with a Batch job records the intent as CANCELLING', async (t) => {
  const { app, as, submit, runs } = await setup(t)
  const runId = (await submit('ada')).json().runId
  await runs.claimQueued(runId, 'worker-1', 60_000)
  const submitted = await runs.recordSubmission(runId, 'worker-1', {
    jobId: 'job-1',
    jobName: `trainplane-${runId}`,
  })
  await runs.transition(runId, submitted, {
    status: 'RUNNING',
    attempt: 1,
    at: new Date().toISOString(),
  })

  const first = await app.inject({
    method: 'POST',
    url: `/v1/runs/${runId}/cancel`,
    headers: as('ada'),
  })
  const again = await app.inject({
    method: 'POST',
    url: `/v1/runs/${runId}/cancel`,
    headers: as('ada'),
  })

  t.equal(first.statusCode, 202)
  t.equal(first.json().status, 'CANCELLING')
  t.ok(first.json().cancelRequestedAt)
  t.equal(first.json().cancelKind, 'USER')
  t.equal(again.statusCode, 202, 'a second cancel is accepted')
  t.equal(again.json().status, 'CANCELLING')
  const stored = await runs.get(runId)
  t.equal(stored?.status, 'CANCELLING')
  t.equal(stored?.jobId, 'job-1')
})

t.test('cancel of a finished run is a 409 and changes nothing', async (t) => {
  const { app, as, submit, runs } = await setup(t)
  const runId = (await submit('ada')).json().runId
  await app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel`, headers: as('ada') })
  const before = await runs.get(runId)

  const response = await app.inject({
    method: 'POST',
    url: `/v1/runs/${runId}/cancel`,
    headers: as('ada'),
  })

  t.equal(response.statusCode, 409)
  t.equal(response.json().error.code, 'API_ERR_RUN_FINISHED')
  t.same(await runs.get(runId), before)
})

t.test('queues lists the catalog without Batch resource names', async (t) => {
  const { app, as } = await setup(t)

  const response = await app.inject({ url: '/v1/queues', headers: as('ada') })

  t.equal(response.statusCode, 200)
  const [gpu] = response.json().items
  t.equal(gpu.name, 'gpu-small')
  t.equal(gpu.maxNodes, TEST_CATALOG.queues[0]?.maxNodes)
  t.equal(gpu.pricePerGpuHour, 4.1)
  t.same(gpu.allowedImagePrefixes, TEST_CATALOG.queues[0]?.allowedImagePrefixes)
  t.notOk('jobQueue' in gpu)
  t.notOk('jobDefinition' in gpu)
})

t.test('activity records the client address behind a trusted proxy', async (t) => {
  const { app, as, activity } = await setup(t, { TRUSTED_PROXIES: '127.0.0.1' })

  await app.inject({
    method: 'POST',
    url: '/v1/runs',
    headers: { ...as('ada'), 'x-forwarded-for': '203.0.113.7' },
    payload: validSpec(),
  })

  const [record] = (await activity.list('ada', { limit: 1 })).items
  t.equal(record?.sourceIp, '203.0.113.7')
})

t.test('activity ignores X-Forwarded-For from untrusted peers', async (t) => {
  const { app, as, activity } = await setup(t)

  await app.inject({
    method: 'POST',
    url: '/v1/runs',
    headers: { ...as('ada'), 'x-forwarded-for': '203.0.113.7' },
    payload: validSpec(),
  })

  const [record] = (await activity.list('ada', { limit: 1 })).items
  t.equal(record?.sourceIp, '127.0.0.1')
})

t.test('activity lists own records in pages', async (t) => {
  const { app, as, submit } = await setup(t)
  for (let i = 0; i < 3; i++) await submit('ada')
  await submit('grace')

  const first = await app.inject({ url: '/v1/activity?limit=2', headers: as('ada') })
  const second = await app.inject({
    url: `/v1/activity?limit=2&cursor=${encodeURIComponent(first.json().nextCursor)}`,
    headers: as('ada'),
  })

  t.equal(first.json().items.length, 2)
  t.equal(second.json().items.length, 1)
  t.notOk(second.json().nextCursor)
  t.ok(
    [...first.json().items, ...second.json().items].every(
      (item: { action: string }) => item.action === 'run.submit',
    ),
  )
})
