import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import {
  COUNTER_PREFIX,
  RateLimitTimeoutError,
  SubmitRateLimiter,
} from '../src/rate-limit/submit-rate-limiter.js'

t.test('replicas together stay within the budget', async (t) => {
  const db = await setupTestDynamoDb(t)
  const replicas = [
    new SubmitRateLimiter(db.document, db.tables.runs, 5),
    new SubmitRateLimiter(db.document, db.tables.runs, 5),
  ]

  const seconds = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      replicas[index % 2]?.acquire({ deadline: Date.now() + 60_000 }),
    ),
  )

  const perSecond = new Map<number | undefined, number>()
  for (const second of seconds) {
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1)
  }
  t.equal(seconds.length, 20)
  t.ok(perSecond.size >= 4, `20 slots at 5 a second span at least 4 seconds (${perSecond.size})`)
  for (const [second, count] of perSecond) {
    t.ok(count <= 5, `second ${second} gave ${count} slots`)
  }
})

t.test('full seconds until the deadline time out', async (t) => {
  const db = await setupTestDynamoDb(t)
  const now = Math.floor(Date.now() / 1000)
  for (let second = now; second < now + 10; second++) {
    await db.document.send(
      new PutCommand({
        TableName: db.tables.runs,
        Item: { runId: `${COUNTER_PREFIX}${second}`, count: 2, expiresAt: second + 120 },
      }),
    )
  }
  const limiter = new SubmitRateLimiter(db.document, db.tables.runs, 2)

  await t.rejects(limiter.acquire({ deadline: Date.now() + 1500 }), RateLimitTimeoutError)
})

t.test('aborted wait rejects with the reason', async (t) => {
  const db = await setupTestDynamoDb(t)
  const limiter = new SubmitRateLimiter(db.document, db.tables.runs, 2)
  const controller = new AbortController()
  controller.abort(new Error('worker stopping'))

  await t.rejects(limiter.acquire({ deadline: Date.now() + 60_000, signal: controller.signal }), {
    message: 'worker stopping',
  })
})
