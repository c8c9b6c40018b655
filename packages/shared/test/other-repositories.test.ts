import t from 'tap'
import { ActivityRepository } from '../src/repositories/activity-repository.js'
import { ResultsRepository } from '../src/repositories/results-repository.js'
import { UserRepository } from '../src/repositories/user-repository.js'
import { setupTestDynamoDb } from '../src/testing/test-dynamodb.js'

t.test('a profile is created once and refreshed on each visit', async (t) => {
  const db = await setupTestDynamoDb(t)
  const users = new UserRepository(db.document, db.tables)

  t.ok(
    await users.createIfAbsent({
      userId: 'u1',
      email: 'ada@example.com',
      createdAt: '2026-01-01T00:00:00.000Z',
    }),
  )
  t.notOk(
    await users.createIfAbsent({
      userId: 'u1',
      email: 'other@example.com',
      createdAt: '2027-01-01T00:00:00.000Z',
    }),
  )
  const touched = await users.touch({
    userId: 'u1',
    groups: ['vision'],
    now: new Date('2026-02-01T00:00:00Z'),
  })

  t.equal(touched.createdAt, '2026-01-01T00:00:00.000Z', 'created time kept')
  t.equal(touched.email, 'ada@example.com')
  t.same(touched.groups, ['vision'])
  t.equal(touched.lastSeenAt, '2026-02-01T00:00:00.000Z')
})

t.test('touch creates a profile the trigger never wrote', async (t) => {
  const db = await setupTestDynamoDb(t)
  const users = new UserRepository(db.document, db.tables)

  const profile = await users.touch({ userId: 'u2', email: 'bo@example.com', groups: [] })

  t.equal(profile.userId, 'u2')
  t.type(profile.createdAt, 'string')
})

t.test("a user's activity lists newest first in pages", async (t) => {
  const db = await setupTestDynamoDb(t)
  const activity = new ActivityRepository(db.document, db.tables, db.cursors)
  for (let i = 0; i < 5; i++) {
    await activity.append({
      userId: 'u1',
      action: 'run.submit',
      runId: `r${i}`,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    })
  }
  await activity.append({ userId: 'u2', action: 'run.submit', runId: 'other' })

  const first = await activity.list('u1', { limit: 3 })
  const second = await activity.list('u1', {
    limit: 3,
    ...(first.nextCursor && { cursor: first.nextCursor }),
  })

  t.same(
    [...first.items, ...second.items].map((item) => item.runId),
    ['r4', 'r3', 'r2', 'r1', 'r0'],
  )
  t.equal(second.nextCursor, undefined)
  t.ok(
    (first.items[0]?.expiresAt ?? 0) > Date.UTC(2026, 0, 1) / 1000,
    'expiresAt is epoch seconds in the future',
  )
})

t.test('metric points are kept per step and read back in order', async (t) => {
  const db = await setupTestDynamoDb(t)
  const results = new ResultsRepository(db.document, db.tables, db.cursors)
  const points = Array.from({ length: 60 }, (_, step) => ({
    name: 'loss',
    step,
    value: 1 / (step + 1),
  }))

  await results.putMetrics('run-a', points)
  await results.putMetrics('run-a', [
    { name: 'loss', step: 10, value: 0.5 },
    { name: 'accuracy', step: 1, value: 0.9 },
  ])

  const loss = await results.listMetric('run-a', 'loss', { limit: 100 })
  t.equal(loss.items.length, 60, 'a repeated step overwrites')
  t.same(
    loss.items.slice(9, 12).map((point) => point.step),
    [9, 10, 11],
  )
  t.equal(loss.items[10]?.value, 0.5)
  const all = await results.listMetrics('run-a', { limit: 100 })
  t.equal(all.items.length, 61)
  await t.rejects(results.putMetrics('run-a', [{ name: 'bad#name', step: 1, value: 1 }]), /invalid/)
  await t.rejects(results.putMetrics('run-a', [{ name: 'loss', step: -1, value: 1 }]), /invalid/)
})

t.test('final results are stored and replaced', async (t) => {
  const db = await setupTestDynamoDb(t)
  const results = new ResultsRepository(db.document, db.tables, db.cursors)

  t.equal(await results.getResults('run-a'), undefined)
  await results.putResults('run-a', { accuracy: 0.91 })
  await results.putResults('run-a', { accuracy: 0.93, checkpoint: 's3://bucket/key' })

  t.same((await results.getResults('run-a'))?.results, {
    accuracy: 0.93,
    checkpoint: 's3://bucket/key',
  })
})
