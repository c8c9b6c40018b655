import t from 'tap'
import { describeRunEnd } from '../src/notify/run-notifier.js'
import type { RunRecord } from '../src/repositories/run-record.js'
import { validSpec } from './fixtures/specs.js'

const run: RunRecord = {
  runId: 'run-01jabc',
  userId: 'user-1',
  userEmail: 'ada@example.com',
  spec: validSpec({ name: 'résumé – long name '.repeat(10) }),
  status: 'FAILED',
  attempt: 1,
  rank: 9,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T01:00:00.000Z',
  createdKey: 'x',
  listPartition: 'runs',
  history: [],
  endReason: 'NODE_FAILED',
  endDetail: 'node 1 exited with code 137',
  exitCode: 1,
}

t.test('the notification says which run, whose, how it ended and why', async (t) => {
  const { subject, message } = describeRunEnd(run)

  t.ok(subject.length < 100, 'SNS subject under 100 characters')
  t.match(subject, /^[\x20-\x7e]+$/, 'SNS subject is printable ASCII')
  t.match(message, /run-01jabc/)
  t.match(message, /ada@example\.com/)
  t.match(message, /FAILED/)
  t.match(message, /NODE_FAILED - node 1 exited with code 137/)
})
