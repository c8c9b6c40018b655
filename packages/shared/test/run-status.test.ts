import t from 'tap'
import {
  ACTIVE_STATUSES,
  canTransition,
  comparePositions,
  isTerminal,
  RUN_STATUSES,
  TERMINAL_STATUSES,
} from '../src/status/run-status.js'

t.test('the lifecycle moves forward along its edges', async (t) => {
  const path = [
    { status: 'QUEUED', attempt: 0 },
    { status: 'SUBMITTING', attempt: 0 },
    { status: 'SUBMITTED', attempt: 1 },
    { status: 'RUNNABLE', attempt: 1 },
    { status: 'STARTING', attempt: 1 },
    { status: 'RUNNING', attempt: 1 },
    { status: 'SUCCEEDED', attempt: 1 },
  ] as const
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1]
    const to = path[i]
    if (!from || !to) continue
    t.ok(canTransition(from, to), `${from.status} -> ${to.status}`)
    t.notOk(canTransition(to, from), `${to.status} -/-> ${from.status}`)
  }
})

t.test('a later event of the same attempt never moves backwards', async (t) => {
  t.notOk(canTransition({ status: 'RUNNING', attempt: 1 }, { status: 'RUNNABLE', attempt: 1 }))
  t.notOk(canTransition({ status: 'RUNNING', attempt: 1 }, { status: 'RUNNING', attempt: 1 }))
  t.notOk(canTransition({ status: 'STARTING', attempt: 2 }, { status: 'RUNNING', attempt: 1 }))
})

t.test('a Batch retry with a higher attempt is progress', async (t) => {
  t.ok(canTransition({ status: 'RUNNING', attempt: 1 }, { status: 'RUNNABLE', attempt: 2 }))
  t.ok(canTransition({ status: 'STARTING', attempt: 1 }, { status: 'SUBMITTED', attempt: 2 }))
})

t.test('terminal statuses are final', async (t) => {
  for (const status of TERMINAL_STATUSES) {
    t.ok(isTerminal(status))
    for (const target of RUN_STATUSES) {
      t.notOk(
        canTransition({ status, attempt: 1 }, { status: target, attempt: 5 }),
        `${status} -/-> ${target}`,
      )
    }
  }
})

t.test('FAILED is reachable from every non-terminal status', async (t) => {
  for (const status of RUN_STATUSES) {
    if (isTerminal(status)) continue
    t.ok(
      canTransition({ status, attempt: 1 }, { status: 'FAILED', attempt: 1 }),
      `${status} -> FAILED`,
    )
  }
})

t.test('a queued run skips no steps', async (t) => {
  t.notOk(canTransition({ status: 'QUEUED', attempt: 0 }, { status: 'RUNNING', attempt: 1 }))
  t.ok(canTransition({ status: 'QUEUED', attempt: 0 }, { status: 'CANCELLED', attempt: 0 }))
})

t.test('CANCELLING holds against later running statuses of the same attempt', async (t) => {
  t.ok(canTransition({ status: 'RUNNING', attempt: 1 }, { status: 'CANCELLING', attempt: 1 }))
  t.notOk(canTransition({ status: 'CANCELLING', attempt: 1 }, { status: 'RUNNING', attempt: 1 }))
  t.ok(canTransition({ status: 'CANCELLING', attempt: 1 }, { status: 'CANCELLED', attempt: 1 }))
})

t.test('positions compare by attempt, then rank, terminal last', async (t) => {
  t.ok(comparePositions({ status: 'RUNNABLE', attempt: 2 }, { status: 'RUNNING', attempt: 1 }) > 0)
  t.ok(comparePositions({ status: 'FAILED', attempt: 1 }, { status: 'RUNNING', attempt: 3 }) > 0)
  t.equal(comparePositions({ status: 'RUNNING', attempt: 1 }, { status: 'RUNNING', attempt: 1 }), 0)
  t.same(ACTIVE_STATUSES.filter(isTerminal), [])
})
