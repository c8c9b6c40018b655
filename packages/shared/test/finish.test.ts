import { pino } from 'pino'
import t from 'tap'
import type { RunNotifier } from '../src/notify/run-notifier.js'
import type { RunRecord } from '../src/repositories/run-record.js'
import { RunRepository } from '../src/repositories/run-repository.js'
import { applyBatchJob } from '../src/status/apply-batch-job.js'
import { PLATFORM_REASON_PREFIX } from '../src/status/batch-mapping.js'
import { finishRun } from '../src/status/finish.js'
import { setupTestDynamoDb } from '../src/testing/test-dynamodb.js'
import { validSpec } from './fixtures/specs.js'

/** Records notifications in memory; SNS itself is exercised by the triggers' tests. */
class RecordingNotifier implements RunNotifier {
  readonly sent: RunRecord[] = []
  async notifyRunEnded(run: RunRecord): Promise<void> {
    this.sent.push(run)
  }
}

async function setup(t: { teardown(fn: () => unknown): void }) {
  const db = await setupTestDynamoDb(t)
  const runs = new RunRepository(db.document, db.tables, db.cursors)
  const notifier = new RecordingNotifier()
  const deps = { runs, notifier, logger: pino({ level: 'silent' }) }

  const { run } = await runs.create({ userId: 'alice', spec: validSpec() })
  await runs.claimQueued(run.runId, 'worker-1', 60_000)
  const submitted = await runs.recordSubmission(run.runId, 'worker-1', {
    jobId: 'job-1',
    jobName: 'trainplane-x',
  })
  return { runs, notifier, deps, run: submitted }
}

t.test('concurrent finish calls notify once', async (t) => {
  const { runs, notifier, deps, run } = await setup(t)

  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      finishRun(deps, run, { status: 'SUCCEEDED', attempt: 1, endReason: 'COMPLETED' }),
    ),
  )

  t.equal(results.filter((result) => result.won).length, 1, 'one terminal write wins')
  t.equal(notifier.sent.length, 1, 'one notification')
  const stored = await runs.get(run.runId, { consistent: true })
  t.equal(stored?.status, 'SUCCEEDED')
  t.type(stored?.notifiedAt, 'string')
  t.type(stored?.endedAt, 'string')
})

t.test('duplicated and reordered Batch states end right with one notification', async (t) => {
  const { runs, notifier, deps, run } = await setup(t)
  const events = [
    { status: 'RUNNABLE' },
    { status: 'RUNNING', startedAt: 1_700_000_000_000 },
    { status: 'RUNNABLE' },
    { status: 'STARTING' },
    {
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
      attempts: [{ container: { exitCode: 4 } }],
    },
    { status: 'RUNNING' },
    {
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
      attempts: [{ container: { exitCode: 4 } }],
    },
  ]

  for (const event of events) {
    await applyBatchJob(deps, run.runId, event)
  }

  const stored = await runs.get(run.runId, { consistent: true })
  t.equal(stored?.status, 'FAILED')
  t.equal(stored?.endReason, 'APPLICATION_ERROR')
  t.equal(stored?.exitCode, 4)
  t.same(
    stored?.history.map((entry) => entry.status),
    ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'RUNNABLE', 'RUNNING', 'FAILED'],
  )
  t.equal(notifier.sent.length, 1)
})

t.test('concurrent appliers of the same end notify once', async (t) => {
  const { notifier, deps, run } = await setup(t)

  await Promise.all(
    Array.from({ length: 6 }, () => applyBatchJob(deps, run.runId, { status: 'SUCCEEDED' })),
  )

  t.equal(notifier.sent.length, 1)
})

t.test('a retry moves the run into the next attempt', async (t) => {
  const { runs, deps, run } = await setup(t)
  await applyBatchJob(deps, run.runId, { status: 'RUNNING' })

  const result = await applyBatchJob(deps, run.runId, {
    status: 'RUNNABLE',
    attempts: [{ statusReason: 'Host EC2 (instance i-1) terminated.' }],
  })

  t.equal(result.outcome, 'advanced')
  const stored = await runs.get(run.runId, { consistent: true })
  t.equal(stored?.status, 'RUNNABLE')
  t.equal(stored?.attempt, 2)
})

t.test('a cancelled job ends CANCELLED after the platform stopped it', async (t) => {
  const { runs, deps, run } = await setup(t)
  await applyBatchJob(deps, run.runId, { status: 'RUNNING' })
  const running = await runs.get(run.runId, { consistent: true })
  if (!running) throw new Error('run vanished')
  await runs.requestCancel(running, 'USER')

  await applyBatchJob(deps, run.runId, { status: 'RUNNING' })
  t.equal(
    (await runs.get(run.runId, { consistent: true }))?.status,
    'CANCELLING',
    'progress does not hide the cancel',
  )
  await applyBatchJob(deps, run.runId, {
    status: 'FAILED',
    statusReason: `${PLATFORM_REASON_PREFIX} cancelled by user`,
  })

  const stored = await runs.get(run.runId, { consistent: true })
  t.equal(stored?.status, 'CANCELLED')
  t.equal(stored?.endReason, 'USER_CANCELLED')
})

t.test('a job of an unknown run changes nothing', async (t) => {
  const { deps } = await setup(t)
  const result = await applyBatchJob(deps, 'run-00000000000000000000000000', { status: 'RUNNING' })
  t.equal(result.outcome, 'unknown-run')
})

t.test('a failed notification leaves the run finished', async (t) => {
  const { runs, deps, run } = await setup(t)
  const failing = {
    ...deps,
    notifier: {
      notifyRunEnded: async () => {
        throw new Error('SNS unavailable')
      },
    },
  }

  const result = await finishRun(failing, run, {
    status: 'FAILED',
    attempt: 1,
    endReason: 'TIMEOUT',
  })

  t.ok(result.won)
  t.equal(result.won && result.notified, false)
  t.equal((await runs.get(run.runId, { consistent: true }))?.status, 'FAILED')
})
