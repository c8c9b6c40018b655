import { GetCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import {
  ConditionFailedError,
  IdempotencyConflictError,
  InvalidCursorError,
  LeaseLostError,
  RunAlreadyFinishedError,
  StatusRegressionError,
} from '../src/errors.js'
import { RunRepository } from '../src/repositories/run-repository.js'
import { setupTestDynamoDb } from '../src/testing/test-dynamodb.js'
import { validSpec } from './fixtures/specs.js'

async function setup(t: { teardown(fn: () => unknown): void }) {
  const db = await setupTestDynamoDb(t)
  return { db, runs: new RunRepository(db.document, db.tables, db.cursors) }
}

type Setup = Awaited<ReturnType<typeof setup>>

/** Walks a run from QUEUED to a submitted Batch job, as the worker does. */
async function submitted({ runs }: Setup, userId = 'alice') {
  const { run } = await runs.create({ userId, spec: validSpec() })
  await runs.claimQueued(run.runId, 'worker-1', 60_000)
  return runs.recordSubmission(run.runId, 'worker-1', {
    jobId: `job-${run.runId}`,
    jobName: `trainplane-${run.runId}`,
  })
}

t.test('create stores a QUEUED run with its history', async (t) => {
  const context = await setup(t)

  const { run, created } = await context.runs.create({ userId: 'alice', spec: validSpec() })

  t.ok(created)
  t.match(run.runId, /^run-[0-9a-z]{26}$/)
  const stored = await context.runs.get(run.runId, { consistent: true })
  t.equal(stored?.status, 'QUEUED')
  t.equal(stored?.spec.name, 'resnet baseline', 'the reserved word `name` is stored')
  t.same(
    stored?.history.map((entry) => entry.status),
    ['QUEUED'],
  )
})

t.test('reserved words work as attribute names', async (t) => {
  const context = await setup(t)
  const { run } = await context.runs.create({ userId: 'alice', spec: validSpec() })

  const raw = await context.db.document.send(
    new GetCommand({ TableName: context.db.tables.runs, Key: { runId: run.runId } }),
  )

  t.equal(raw.Item?.status, 'QUEUED', 'status')
  t.equal(raw.Item?.spec.name, 'resnet baseline', 'name')
  t.type(raw.Item?.history[0].at, 'string', 'timestamp-like fields')
  const listed = await context.runs.listByStatus('QUEUED', { limit: 10 })
  t.equal(listed.items.length, 1, 'the status index is keyed by `status`')
})

t.test('idempotent create under 20 concurrent identical requests stores one run', async (t) => {
  const context = await setup(t)
  const request = { userId: 'alice', spec: validSpec(), idempotencyKey: 'key-1' }

  const results = await Promise.all(Array.from({ length: 20 }, () => context.runs.create(request)))

  const ids = new Set(results.map((result) => result.run.runId))
  t.equal(ids.size, 1, 'every caller gets the same run')
  t.equal(results.filter((result) => result.created).length, 1, 'exactly one caller created it')
  const listed = await context.runs.listByUser('alice', { limit: 100 })
  t.equal(listed.items.length, 1, 'one run is stored')
})

t.test('idempotency key reused with a different request is a conflict', async (t) => {
  const context = await setup(t)
  const first = await context.runs.create({
    userId: 'alice',
    spec: validSpec(),
    idempotencyKey: 'key-1',
  })

  await t.rejects(
    context.runs.create({
      userId: 'alice',
      spec: validSpec({ nodes: 4 }),
      idempotencyKey: 'key-1',
    }),
    IdempotencyConflictError,
  )

  const other = await context.runs.create({
    userId: 'bob',
    spec: validSpec({ nodes: 4 }),
    idempotencyKey: 'key-1',
  })
  t.not(other.run.runId, first.run.runId, 'keys are per user')
  t.equal((await context.runs.listByUser('alice', { limit: 10 })).items.length, 1)
})

t.test('concurrent claims: exactly one wins', async (t) => {
  const context = await setup(t)
  const { run } = await context.runs.create({ userId: 'alice', spec: validSpec() })

  const claims = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      context.runs.claimQueued(run.runId, `worker-${i}`, 60_000),
    ),
  )

  const winners = claims.filter((claim) => claim !== undefined)
  t.equal(winners.length, 1)
  const stored = await context.runs.get(run.runId, { consistent: true })
  t.equal(stored?.status, 'SUBMITTING')
  t.equal(stored?.leaseOwner, winners[0]?.leaseOwner)
})

t.test('an expired lease can be taken over, a live one cannot', async (t) => {
  const context = await setup(t)
  const { run } = await context.runs.create({ userId: 'alice', spec: validSpec() })
  const start = new Date('2026-01-01T00:00:00Z')
  await context.runs.claimQueued(run.runId, 'worker-1', 60_000, start)

  const early = await context.runs.claimExpired(
    run.runId,
    'worker-2',
    60_000,
    new Date(start.getTime() + 30_000),
  )
  const late = await context.runs.claimExpired(
    run.runId,
    'worker-2',
    60_000,
    new Date(start.getTime() + 61_000),
  )

  t.equal(early, undefined)
  t.equal(late?.leaseOwner, 'worker-2')
  await t.rejects(
    context.runs.recordSubmission(run.runId, 'worker-1', { jobId: 'j', jobName: 'n' }),
    LeaseLostError,
    'the old owner can no longer record a job',
  )
})

t.test('a throttled claim goes back to the queue', async (t) => {
  const context = await setup(t)
  const { run } = await context.runs.create({ userId: 'alice', spec: validSpec() })
  await context.runs.claimQueued(run.runId, 'worker-1', 60_000)

  await t.rejects(context.runs.releaseClaim(run.runId, 'worker-2', 'throttled'), LeaseLostError)
  const released = await context.runs.releaseClaim(run.runId, 'worker-1', 'throttled')

  t.equal(released.status, 'QUEUED')
  t.equal(released.leaseOwner, undefined)
})

t.test('a backward transition is rejected and changes nothing', async (t) => {
  const context = await setup(t)
  const run = await submitted(context)
  const running = await context.runs.transition(run.runId, run, {
    status: 'RUNNING',
    attempt: 1,
    at: new Date().toISOString(),
  })

  await t.rejects(
    context.runs.transition(run.runId, running, {
      status: 'RUNNABLE',
      attempt: 1,
      at: new Date().toISOString(),
    }),
    StatusRegressionError,
  )
  await t.rejects(
    context.runs.transition(run.runId, run, {
      status: 'STARTING',
      attempt: 1,
      at: new Date().toISOString(),
    }),
    ConditionFailedError,
    'a writer that read an older status loses',
  )

  const stored = await context.runs.get(run.runId, { consistent: true })
  t.equal(stored?.status, 'RUNNING')
  t.same(
    stored?.history.map((entry) => entry.status),
    ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'RUNNING'],
  )
})

t.test('a Batch retry with a higher attempt moves forward', async (t) => {
  const context = await setup(t)
  const run = await submitted(context)
  const running = await context.runs.transition(run.runId, run, {
    status: 'RUNNING',
    attempt: 1,
    at: 'a',
  })

  const retried = await context.runs.transition(run.runId, running, {
    status: 'RUNNABLE',
    attempt: 2,
    at: 'b',
  })

  t.equal(retried.status, 'RUNNABLE')
  t.equal(retried.attempt, 2)
})

t.test('progress cannot overwrite a cancel requested meanwhile', async (t) => {
  const context = await setup(t)
  const run = await submitted(context)
  await context.runs.requestCancel(run, 'USER')

  await t.rejects(
    context.runs.transition(
      run.runId,
      { status: 'CANCELLING', attempt: 1 },
      { status: 'RUNNING', attempt: 2, at: 'x' },
    ),
    ConditionFailedError,
  )
  t.equal((await context.runs.get(run.runId, { consistent: true }))?.status, 'CANCELLING')
})

t.test('cancel of a queued run ends it at once', async (t) => {
  const context = await setup(t)
  const { run } = await context.runs.create({ userId: 'alice', spec: validSpec() })

  const cancelled = await context.runs.requestCancel(run, 'USER')

  t.equal(cancelled.status, 'CANCELLED')
  t.equal(cancelled.endReason, 'USER_CANCELLED')
  await t.rejects(context.runs.requestCancel(cancelled, 'USER'), RunAlreadyFinishedError)
})

t.test('a submission recorded after a cancel keeps the run CANCELLING', async (t) => {
  const context = await setup(t)
  const { run } = await context.runs.create({ userId: 'alice', spec: validSpec() })
  const claimed = await context.runs.claimQueued(run.runId, 'worker-1', 60_000)
  if (!claimed) throw new Error('claim failed')
  await context.runs.requestCancel(claimed, 'USER')

  const recorded = await context.runs.recordSubmission(run.runId, 'worker-1', {
    jobId: 'job-1',
    jobName: 'n',
  })

  t.equal(recorded.status, 'CANCELLING')
  t.equal(recorded.jobId, 'job-1')
})

t.test('the run of a Batch job is found by job id', async (t) => {
  const context = await setup(t)
  const run = await submitted(context)

  const found = await context.runs.findByJobId(run.jobId ?? '')

  t.equal(found?.runId, run.runId)
  t.equal(await context.runs.findByJobId('no-such-job'), undefined)
})

t.test('markNotified succeeds once, and only for a finished run', async (t) => {
  const context = await setup(t)
  const run = await submitted(context)

  t.notOk(await context.runs.markNotified(run.runId, 'a'), 'not while running')
  await context.runs.transition(run.runId, run, { status: 'FAILED', attempt: 1, at: 'b' })
  const results = await Promise.all([1, 2, 3].map(() => context.runs.markNotified(run.runId, 'c')))
  t.same(results.filter(Boolean).length, 1)
})

t.test('pagination walks 1,000 runs without loss or repeats', async (t) => {
  const context = await setup(t)
  const base = Date.parse('2026-03-01T00:00:00Z')
  const created = new Set<string>()
  for (let batch = 0; batch < 40; batch++) {
    const runs = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        context.runs.create({
          userId: 'alice',
          spec: validSpec(),
          now: new Date(base + (batch * 25 + i) * 1000),
        }),
      ),
    )
    for (const { run } of runs) created.add(run.runId)
  }

  const seen: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = await context.runs.listByUser('alice', { limit: 37, ...(cursor && { cursor }) })
    seen.push(...page.items.map((run) => run.runId))
    cursor = page.nextCursor
    pages++
  } while (cursor)

  t.equal(seen.length, 1000, 'nothing lost')
  t.equal(new Set(seen).size, 1000, 'nothing repeated')
  t.same(new Set(seen), created)
  t.equal(pages, Math.ceil(1000 / 37))
  const sorted = [...seen].sort().reverse()
  t.same(seen, sorted, 'newest first')
})

t.test('a status filter pages without loss', async (t) => {
  const context = await setup(t)
  const ids: string[] = []
  for (let i = 0; i < 30; i++) {
    const { run } = await context.runs.create({
      userId: 'alice',
      spec: validSpec(),
      now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    })
    if (i % 3 === 0) {
      await context.runs.requestCancel(run, 'USER')
      ids.push(run.runId)
    }
  }

  const seen: string[] = []
  let cursor: string | undefined
  do {
    const page = await context.runs.listByUser('alice', {
      status: 'CANCELLED',
      limit: 4,
      ...(cursor && { cursor }),
    })
    seen.push(...page.items.map((run) => run.runId))
    cursor = page.nextCursor
  } while (cursor)

  t.same(seen.sort(), ids.sort())
})

t.test('a tampered or foreign cursor is rejected', async (t) => {
  const context = await setup(t)
  for (let i = 0; i < 3; i++) {
    await context.runs.create({ userId: 'alice', spec: validSpec() })
    await context.runs.create({ userId: 'bob', spec: validSpec() })
  }
  const page = await context.runs.listByUser('alice', { limit: 1 })
  const cursor = page.nextCursor ?? ''

  await t.rejects(
    context.runs.listByUser('bob', { limit: 1, cursor }),
    InvalidCursorError,
    "another user's listing",
  )
  await t.rejects(
    context.runs.listByUser('alice', { limit: 1, cursor: `x${cursor}` }),
    InvalidCursorError,
    'altered payload',
  )
  await t.rejects(context.runs.listAll({ limit: 1, cursor }), InvalidCursorError, 'another index')
})

t.test('admins list every run, by status or all', async (t) => {
  const context = await setup(t)
  await context.runs.create({ userId: 'alice', spec: validSpec() })
  const { run } = await context.runs.create({ userId: 'bob', spec: validSpec() })
  await context.runs.requestCancel(run, 'USER')

  t.equal((await context.runs.listAll({ limit: 10 })).items.length, 2)
  t.same(
    (await context.runs.listAll({ limit: 10, status: 'CANCELLED' })).items.map(
      (item) => item.runId,
    ),
    [run.runId],
  )
})

t.test('the worker reads a status oldest first', async (t) => {
  const context = await setup(t)
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    const { run } = await context.runs.create({
      userId: 'alice',
      spec: validSpec(),
      now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    })
    ids.push(run.runId)
  }

  const first = await context.runs.listByStatus('QUEUED', { limit: 3, oldestFirst: true })
  const second = await context.runs.listByStatus('QUEUED', {
    limit: 3,
    oldestFirst: true,
    ...(first.nextCursor && { cursor: first.nextCursor }),
  })

  t.same(
    [...first.items, ...second.items].map((run) => run.runId),
    ids,
  )
  await t.rejects(
    context.runs.listByStatus('QUEUED', {
      limit: 3,
      ...(first.nextCursor && { cursor: first.nextCursor }),
    }),
    /cursor/,
    'a cursor keeps its order',
  )
})
