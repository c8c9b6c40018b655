import { ActivityRepository, RunRepository } from '@trainplane/shared'
import t from 'tap'
import { validSpec } from './helpers/catalog.js'
import { startForgedIdentityApp } from './helpers/forged-identity.js'

interface BadRequest {
  name: string
  method?: 'GET' | 'POST'
  url: string
  headers?: Record<string, string>
  payload?: string | object
  status: number
  code: string
  field?: string
}

const spec = (overrides: Record<string, unknown>) => JSON.stringify(validSpec(overrides))
const json = { 'content-type': 'application/json' }

const RUN_ID = '__RUN_ID__'

const badRequests: BadRequest[] = [
  // POST /v1/runs: schema
  {
    name: 'unknown body field',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ gpus: 8 }),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/gpus',
  },
  {
    name: 'missing image',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ image: undefined }),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/image',
  },
  {
    name: 'zero nodes',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ nodes: 0 }),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/nodes',
  },
  {
    name: 'nodes as a string',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ nodes: '2' }),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/nodes',
  },
  {
    name: 'timeout under 60 s',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ timeoutSeconds: 30 }),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/timeoutSeconds',
  },
  {
    name: 'invalid environment name',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ environment: { '1BAD': 'x' } }),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/environment/1BAD',
  },
  {
    name: 'reserved tag prefix',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ tags: { 'aws:owner': 'x' } }),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/tags/aws:owner',
  },
  {
    name: 'body is an array',
    method: 'POST',
    url: '/v1/runs',
    payload: '[]',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/',
  },
  {
    name: 'body is null',
    method: 'POST',
    url: '/v1/runs',
    payload: 'null',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: '/',
  },
  {
    name: 'prototype pollution',
    method: 'POST',
    url: '/v1/runs',
    payload: '{"__proto__":{"admin":true}}',
    status: 400,
    code: 'API_ERR_INVALID_JSON',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    url: '/v1/runs',
    payload: '{"image":',
    status: 400,
    code: 'API_ERR_INVALID_JSON',
  },
  {
    name: 'empty JSON body',
    method: 'POST',
    url: '/v1/runs',
    payload: '',
    status: 400,
    code: 'API_ERR_INVALID_JSON',
  },
  // POST /v1/runs: limits and catalog
  {
    name: 'reserved environment variable',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ environment: { RUN_TOKEN: 'x' } }),
    status: 400,
    code: 'API_ERR_RUN_SPEC_INVALID',
    field: '/environment/RUN_TOKEN',
  },
  {
    name: 'unknown queue',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ queue: 'gpu-huge' }),
    status: 400,
    code: 'API_ERR_QUEUE_NOT_FOUND',
    field: '/queue',
  },
  {
    name: 'more nodes than the queue allows',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ nodes: 5 }),
    status: 400,
    code: 'API_ERR_RUN_NOT_ALLOWED_ON_QUEUE',
    field: '/nodes',
  },
  {
    name: 'more GPUs than the queue has',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({
      queue: 'cpu-debug',
      gpusPerNode: 1,
      nodes: 1,
      timeoutSeconds: 600,
      image: 'public.ecr.aws/trainplane/cpu:1',
    }),
    status: 400,
    code: 'API_ERR_RUN_NOT_ALLOWED_ON_QUEUE',
    field: '/gpusPerNode',
  },
  {
    name: 'image outside the allowed prefixes',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ image: 'docker.io/evil/miner:latest' }),
    status: 400,
    code: 'API_ERR_RUN_NOT_ALLOWED_ON_QUEUE',
    field: '/image',
  },
  // POST /v1/runs: transport
  {
    name: 'invalid Idempotency-Key',
    method: 'POST',
    url: '/v1/runs',
    headers: { 'idempotency-key': '../etc/passwd' },
    payload: spec({}),
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'idempotency-key',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    url: '/v1/runs',
    headers: { 'content-type': 'text/plain' },
    payload: spec({}),
    status: 415,
    code: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'form body',
    method: 'POST',
    url: '/v1/runs',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'nodes=2',
    status: 415,
    code: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'body over the limit',
    method: 'POST',
    url: '/v1/runs',
    payload: spec({ environment: { BIG: 'x'.repeat(70_000) } }),
    status: 413,
    code: 'API_ERR_BODY_TOO_LARGE',
  },
  // GET /v1/runs
  {
    name: 'limit 0',
    url: '/v1/runs?limit=0',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'limit',
  },
  {
    name: 'limit over 100',
    url: '/v1/runs?limit=101',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'limit',
  },
  {
    name: 'limit not a number',
    url: '/v1/runs?limit=ten',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'limit',
  },
  {
    name: 'unknown status',
    url: '/v1/runs?status=DONE',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'status',
  },
  {
    name: 'unknown query parameter',
    url: '/v1/runs?owner=me',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'owner',
  },
  {
    name: 'malformed cursor',
    url: '/v1/runs?cursor=abc',
    status: 400,
    code: 'API_ERR_INVALID_CURSOR',
    field: 'cursor',
  },
  {
    name: 'forged cursor',
    url: `/v1/runs?cursor=${Buffer.from('{"runId":"x"}').toString('base64url')}.AAAA`,
    status: 400,
    code: 'API_ERR_INVALID_CURSOR',
    field: 'cursor',
  },
  {
    name: 'malformed user filter',
    url: '/v1/runs?user=a%20b',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'user',
  },
  {
    name: 'all with user',
    url: '/v1/runs?all=true&user=ada',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'all',
  },
  // GET /v1/runs/:id and cancel
  {
    name: 'malformed run id',
    url: '/v1/runs/..%2F..%2Fetc',
    status: 404,
    code: 'API_ERR_RUN_NOT_FOUND',
  },
  {
    name: 'over-long run id',
    url: `/v1/runs/run-${'a'.repeat(70)}`,
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'id',
  },
  {
    name: 'path segment over 100 characters',
    url: `/v1/runs/${'a'.repeat(120)}`,
    status: 400,
    code: 'API_ERR_BAD_REQUEST',
  },
  {
    name: 'cancel with a text body',
    method: 'POST',
    url: `/v1/runs/${RUN_ID}/cancel`,
    headers: { 'content-type': 'text/plain' },
    payload: 'now',
    status: 415,
    code: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'cancel with malformed JSON',
    method: 'POST',
    url: `/v1/runs/${RUN_ID}/cancel`,
    payload: '{',
    status: 400,
    code: 'API_ERR_INVALID_JSON',
  },
  {
    name: 'cancel a malformed id',
    method: 'POST',
    url: '/v1/runs/nope/cancel',
    status: 404,
    code: 'API_ERR_RUN_NOT_FOUND',
  },
  // GET /v1/activity, /v1/queues, /v1/me
  {
    name: 'activity limit not a number',
    url: '/v1/activity?limit=x',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'limit',
  },
  {
    name: 'activity malformed cursor',
    url: '/v1/activity?cursor=zzz',
    status: 400,
    code: 'API_ERR_INVALID_CURSOR',
    field: 'cursor',
  },
  {
    name: 'activity unknown parameter',
    url: '/v1/activity?user=grace',
    status: 400,
    code: 'API_ERR_VALIDATION',
    field: 'user',
  },
  {
    name: 'queues with a body',
    method: 'POST',
    url: '/v1/queues',
    payload: '{}',
    status: 404,
    code: 'API_ERR_ROUTE_NOT_FOUND',
  },
  // Outside the routes
  { name: 'unknown route', url: '/v1/jobs', status: 404, code: 'API_ERR_ROUTE_NOT_FOUND' },
  { name: 'malformed URL', url: '/v1/runs/%E0%A4%A', status: 400, code: 'API_ERR_BAD_REQUEST' },
]

t.test('every route rejects bad input with a 4xx and stores nothing', async (t) => {
  const { app, as, db } = await startForgedIdentityApp(t)
  const runs = new RunRepository(db.document, db.tables, db.cursors)
  const activity = new ActivityRepository(db.document, db.tables, db.cursors)
  const submitted = await app.inject({
    method: 'POST',
    url: '/v1/runs',
    headers: as('ada'),
    payload: validSpec(),
  })
  const runId = submitted.json().runId as string
  const snapshot = async () => ({
    run: await runs.get(runId, { consistent: true }),
    runs: await runs.listAll({ limit: 100 }),
    activity: await activity.list('ada', { limit: 100 }),
  })
  const before = await snapshot()

  for (const bad of badRequests) {
    await t.test(bad.name, async (t) => {
      const hasBody = bad.payload !== undefined
      const response = await app.inject({
        method: bad.method ?? 'GET',
        url: bad.url.replace(RUN_ID, runId),
        headers: { ...as('ada'), ...(hasBody && json), ...bad.headers },
        ...(hasBody && { payload: bad.payload }),
      })

      t.equal(response.statusCode, bad.status, `status ${bad.status}`)
      const { error } = response.json()
      t.equal(error.code, bad.code, bad.code)
      if (bad.field !== undefined) {
        t.equal(error.field, bad.field, `field ${bad.field}`)
      }
      t.type(error.message, 'string')
      t.equal(error.requestId, response.headers['x-request-id'], 'the request id is in the body')
    })
  }

  t.same(await snapshot(), before, 'the stored run, run listing and activity are unchanged')
})

t.test('a validation error names the unknown field and what to do', async (t) => {
  const { app, as } = await startForgedIdentityApp(t)

  const response = await app.inject({
    method: 'POST',
    url: '/v1/runs',
    headers: as('ada'),
    payload: validSpec({ gpus: 8, nodes: 0 }),
  })

  const { error } = response.json()
  t.equal(
    error.message,
    'body field /gpus is not a known field; remove it (1 more in error.problems)',
  )
  t.same(error.problems, [
    { field: '/gpus', message: 'is not a known field; remove it' },
    { field: '/nodes', message: 'must be >= 1' },
  ])
})

t.test('an unknown queue points at GET /v1/queues', async (t) => {
  const { app, as } = await startForgedIdentityApp(t)

  const response = await app.inject({
    method: 'POST',
    url: '/v1/runs',
    headers: as('ada'),
    payload: validSpec({ queue: 'gpu-huge' }),
  })

  t.match(response.json().error.message, /queue "gpu-huge" not found; GET \/v1\/queues lists/)
})
