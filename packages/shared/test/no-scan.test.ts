import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { ActivityRepository } from '../src/repositories/activity-repository.js'
import { ResultsRepository } from '../src/repositories/results-repository.js'
import { RunRepository } from '../src/repositories/run-repository.js'
import { UserRepository } from '../src/repositories/user-repository.js'
import { applyBatchJob } from '../src/status/apply-batch-job.js'
import { setupTestDynamoDb } from '../src/testing/test-dynamodb.js'
import { validSpec } from './fixtures/specs.js'

t.test('no repository method issues a Scan', async (t) => {
  const db = await setupTestDynamoDb(t)
  const commands = new Set<string>()
  db.document.middlewareStack.add(
    (next, context) => async (args) => {
      commands.add(context.commandName ?? 'unknown')
      return next(args)
    },
    { step: 'initialize', name: 'recordCommands' },
  )
  const runs = new RunRepository(db.document, db.tables, db.cursors)
  const users = new UserRepository(db.document, db.tables)
  const activity = new ActivityRepository(db.document, db.tables, db.cursors)
  const results = new ResultsRepository(db.document, db.tables, db.cursors)

  const { run } = await runs.create({ userId: 'u', spec: validSpec(), idempotencyKey: 'k' })
  await runs.create({ userId: 'u', spec: validSpec(), idempotencyKey: 'k' })
  await runs.create({ userId: 'u', spec: validSpec() })
  await runs.claimQueued(run.runId, 'w', 1)
  await runs.claimExpired(run.runId, 'w2', 60_000)
  const recorded = await runs.recordSubmission(run.runId, 'w2', { jobId: 'job', jobName: 'name' })
  await runs.updateDetails(run.runId, recorded, { logStreams: { '0': 'stream' } }, 'now')
  await runs.findByJobId('job')
  await applyBatchJob(
    { runs, notifier: { notifyRunEnded: async () => {} }, logger: pino({ level: 'silent' }) },
    run.runId,
    {
      status: 'SUCCEEDED',
    },
  )
  await runs.listByUser('u', { limit: 1, status: 'QUEUED' })
  await runs.listByStatus('QUEUED', { limit: 1 })
  await runs.listAll({ limit: 1 })
  await users.touch({ userId: 'u', groups: [] })
  await users.createIfAbsent({ userId: 'v', createdAt: 'now' })
  await users.get('u')
  await activity.append({ userId: 'u', action: 'x' })
  await activity.list('u', { limit: 5 })
  await results.putMetrics(run.runId, [{ name: 'loss', step: 1, value: 1 }])
  await results.listMetric(run.runId, 'loss', { limit: 5 })
  await results.putResults(run.runId, { a: 1 })
  await results.getResults(run.runId)

  t.ok(commands.size >= 6, `recorded ${[...commands].join(', ')}`)
  t.notOk(
    [...commands].some((name) => /Scan/.test(name)),
    'no Scan among the commands issued',
  )
})

function* sourceFiles(dir: string): Generator<string> {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return
  }
  for (const entry of entries) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'dist') yield* sourceFiles(path)
    } else if (/\.(ts|js|mjs)$/.test(entry)) {
      yield path
    }
  }
}

t.test('no application source uses the Scan operation', async (t) => {
  const root = join(import.meta.dirname, '..', '..', '..')
  const offenders: string[] = []
  for (const group of ['apps', 'packages']) {
    for (const workspace of readdirSync(join(root, group))) {
      for (const file of sourceFiles(join(root, group, workspace, 'src'))) {
        if (/\bScan(Command|Input)\b|\.scan\(/.test(readFileSync(file, 'utf8')))
          offenders.push(file)
      }
    }
  }
  t.same(offenders, [])
})
