import { ListJobsCommand } from '@aws-sdk/client-batch'
import type { RunRecord } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import { type FaultHooks, type FaultPoint, SimulatedCrashError } from '../src/faults.js'
import { startTestBatch, TEST_QUEUES } from './helpers/batch.js'
import { createTestWorker, queueRun, runRepository, TestClock, testSpec } from './helpers/worker.js'

const HELD = TEST_QUEUES.held
const LEASE_MS = 60_000

/** mulberry32: a small seeded PRNG, so the kill points are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Picks `count` distinct runs and, for each, the point where its worker dies. */
function pickKillPoints(
  runs: readonly RunRecord[],
  count: number,
  random: () => number,
): Map<string, FaultPoint> {
  const points: FaultPoint[] = ['beforeSubmit', 'afterSubmit']
  const remaining = [...runs]
  const kills = new Map<string, FaultPoint>()
  while (kills.size < count) {
    const [run] = remaining.splice(Math.floor(random() * remaining.length), 1)
    const point = points[Math.floor(random() * points.length)]
    if (run && point) kills.set(run.runId, point)
  }
  return kills
}

function crashAt(kills: ReadonlyMap<string, FaultPoint>): FaultHooks {
  return {
    at(point, runId) {
      if (kills.get(runId) === point) throw new SimulatedCrashError(point, runId)
    },
  }
}

async function jobsNamedFor(batch: import('@aws-sdk/client-batch').BatchClient, runId: string) {
  const listed = await batch.send(
    new ListJobsCommand({
      jobQueue: HELD.jobQueue,
      filters: [{ name: 'JOB_NAME', values: [`trainplane-${runId}`] }],
    }),
  )
  return listed.jobSummaryList ?? []
}

t.test('killed submissions leave one job per run after recovery', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const runs = runRepository(db)
  const queued: RunRecord[] = []
  for (let index = 0; index < 12; index++) {
    queued.push(await queueRun(runs, testSpec({ queue: HELD.name, nodes: 1 })))
  }
  const random = seededRandom(20_240_601)
  const firstKills = pickKillPoints(queued, 6, random)
  const resubmitted = queued.filter((run) => firstKills.get(run.runId) === 'beforeSubmit')
  const secondKills = pickKillPoints(resubmitted, Math.min(2, resubmitted.length), random)
  for (const runId of secondKills.keys()) secondKills.set(runId, 'afterSubmit')
  const clock = new TestClock()
  const first = await createTestWorker(t, db, batch, { clock, faults: crashAt(firstKills) })
  const second = await createTestWorker(t, db, batch, {
    clock,
    faults: crashAt(secondKills),
    config: { workerId: 'worker-b' },
  })
  const third = await createTestWorker(t, db, batch, { clock, config: { workerId: 'worker-c' } })

  const dispatched = await first.worker.dispatchOnce()
  const tooEarly = await second.worker.reconcileOnce()
  clock.advance(LEASE_MS + 1000)
  const recovered = await second.worker.reconcileOnce()
  clock.advance(LEASE_MS + 1000)
  const recoveredAgain = await third.worker.reconcileOnce()

  t.equal(
    [...firstKills.values()].filter((point) => point === 'afterSubmit').length > 0,
    true,
    'some kills after SubmitJob',
  )
  t.equal(resubmitted.length > 0, true, 'some kills before SubmitJob')
  t.equal(dispatched.outcomes.submitted, 12 - firstKills.size)
  t.equal(tooEarly.claimed, 0, 'live leases are left alone')
  t.equal(recovered.claimed, firstKills.size)
  t.equal(recoveredAgain.claimed, secondKills.size)
  for (const run of queued) {
    const stored = await runs.get(run.runId, { consistent: true })
    const jobs = await jobsNamedFor(batch, run.runId)
    t.equal(
      jobs.length,
      1,
      `run ${run.runId} (${firstKills.get(run.runId) ?? 'no kill'}) has one job`,
    )
    t.equal(stored?.jobId, jobs[0]?.jobId, 'the run records that job')
    t.equal(stored?.status, 'SUBMITTED')
    t.equal(stored?.leaseOwner, undefined, 'no lease left')
  }
})

t.test('two workers racing never submit a run twice', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const runs = runRepository(db)
  const queued: RunRecord[] = []
  for (let index = 0; index < 30; index++) {
    queued.push(await queueRun(runs, testSpec({ queue: HELD.name, nodes: 1 })))
  }
  const clock = new TestClock()
  const a = await createTestWorker(t, db, batch, { clock, config: { workerId: 'worker-a' } })
  const b = await createTestWorker(t, db, batch, { clock, config: { workerId: 'worker-b' } })

  const [fromA, fromB] = await Promise.all([a.worker.dispatchOnce(), b.worker.dispatchOnce()])
  const [againA, againB] = await Promise.all([a.worker.dispatchOnce(), b.worker.dispatchOnce()])
  clock.advance(LEASE_MS + 1000)
  const [reconciledA, reconciledB] = await Promise.all([
    a.worker.reconcileOnce(),
    b.worker.reconcileOnce(),
  ])

  t.equal(fromA.outcomes.submitted + fromB.outcomes.submitted, 30)
  t.equal(againA.seen + againB.seen, 0, 'nothing left queued')
  t.equal(reconciledA.claimed + reconciledB.claimed, 0, 'nothing left to reconcile')
  for (const run of queued) {
    const stored = await runs.get(run.runId, { consistent: true })
    const jobs = await jobsNamedFor(batch, run.runId)
    t.equal(jobs.length, 1, `run ${run.runId} has one job`)
    t.equal(stored?.jobId, jobs[0]?.jobId)
  }
})

t.test('stalled worker does not submit after losing its lease', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: HELD.name, nodes: 1 }))
  const clock = new TestClock()
  let resumeStalled: () => void = () => {}
  let reachedStall: () => void = () => {}
  const stalled = new Promise<void>((resolve) => {
    reachedStall = resolve
  })
  const slow = await createTestWorker(t, db, batch, {
    clock,
    faults: {
      at: (point) =>
        point === 'beforeSubmit'
          ? new Promise<void>((resolve) => {
              resumeStalled = resolve
              reachedStall()
            })
          : undefined,
    },
  })
  const other = await createTestWorker(t, db, batch, { clock, config: { workerId: 'worker-b' } })

  const dispatching = slow.worker.dispatchOnce()
  await stalled
  clock.advance(LEASE_MS + 1000)
  const takenOver = await other.worker.reconcileOnce()
  resumeStalled()
  const slowResult = await dispatching
  const jobs = await jobsNamedFor(batch, queued.runId)
  const stored = await runs.get(queued.runId, { consistent: true })

  t.equal(takenOver.claimed, 1)
  t.equal(takenOver.outcomes['resubmit-submitted'], 1)
  t.equal(slowResult.outcomes.submitted, 0, 'the stalled worker did not submit')
  t.equal(jobs.length, 1)
  t.equal(stored?.jobId, jobs[0]?.jobId)
})

t.test('job created during a stall is adopted, not repeated', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: HELD.name, nodes: 1 }))
  const clock = new TestClock()
  let resumeStalled: () => void = () => {}
  let reachedStall: () => void = () => {}
  const stalled = new Promise<void>((resolve) => {
    reachedStall = resolve
  })
  const slow = await createTestWorker(t, db, batch, {
    clock,
    faults: {
      at: (point) =>
        point === 'afterSubmit'
          ? new Promise<void>((resolve) => {
              resumeStalled = resolve
              reachedStall()
            })
          : undefined,
    },
  })
  const other = await createTestWorker(t, db, batch, { clock, config: { workerId: 'worker-b' } })

  const dispatching = slow.worker.dispatchOnce()
  await stalled
  clock.advance(LEASE_MS + 1000)
  const takenOver = await other.worker.reconcileOnce()
  resumeStalled()
  const slowResult = await dispatching
  const jobs = await jobsNamedFor(batch, queued.runId)
  const stored = await runs.get(queued.runId, { consistent: true })

  t.equal(takenOver.outcomes.adopted, 1)
  t.equal(slowResult.outcomes['lease-lost'], 1)
  t.equal(jobs.length, 1)
  t.equal(jobs[0]?.status === 'FAILED', false, 'the adopted job keeps running')
  t.equal(stored?.jobId, jobs[0]?.jobId)
})
