import {
  CancelJobCommand,
  SubmitJobCommand,
  TagResourceCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch'
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import t from 'tap'
import {
  createQueue,
  describeJob,
  nodeCommand,
  registerContainerDefinition,
  startHarness,
  waitForStatus,
} from './fixtures/harness.js'

const SLEEP_FOREVER = nodeCommand('setInterval(() => {}, 1000)')

t.test('timeout fails job without retry', async (t) => {
  const { batch } = await startHarness(t, { timeScale: 0.005 })
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'sleeper', SLEEP_FOREVER, {
    timeout: { attemptDurationSeconds: 60 },
    retryStrategy: { attempts: 3 },
  })

  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'sleeper', jobQueue: 'cpu', jobDefinition: 'sleeper' }),
  )
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'FAILED')
  t.equal(job.statusReason, 'Job attempt duration exceeded timeout')
  t.equal(job.attempts?.length, 1, 'a timed-out job is not retried')
  t.equal(job.attempts?.[0]?.statusReason, 'Job attempt duration exceeded timeout')
  t.equal(job.container?.exitCode, 143, 'SIGTERM ends the process')
})

t.test('retry on matching exit rule', async (t) => {
  const { batch, logs } = await startHarness(t)
  await createQueue(batch, 'cpu')
  const script = `
    console.log('attempt ' + process.env.AWS_BATCH_JOB_ATTEMPT)
    process.exit(process.env.AWS_BATCH_JOB_ATTEMPT === '1' ? 42 : 0)
  `
  await registerContainerDefinition(batch, 'flaky', nodeCommand(script), {
    retryStrategy: {
      attempts: 3,
      evaluateOnExit: [
        { onExitCode: '42', action: 'RETRY' },
        { onExitCode: '*', action: 'EXIT' },
      ],
    },
  })

  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'flaky', jobQueue: 'cpu', jobDefinition: 'flaky' }),
  )
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'SUCCEEDED')
  t.equal(job.attempts?.length, 2)
  t.equal(job.attempts?.[0]?.container?.exitCode, 42)
  t.equal(job.attempts?.[1]?.container?.exitCode, 0)
  t.not(job.attempts?.[0]?.container?.logStreamName, job.attempts?.[1]?.container?.logStreamName)
  const secondAttemptLog = await logs.send(
    new GetLogEventsCommand({
      logGroupName: '/aws/batch/job',
      logStreamName: job.attempts?.[1]?.container?.logStreamName,
      startFromHead: true,
    }),
  )
  t.same(
    secondAttemptLog.events?.map((event) => event.message),
    ['attempt 2'],
  )
})

t.test('exit rule EXIT stops retries', async (t) => {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'broken', nodeCommand('process.exit(5)'), {
    retryStrategy: {
      attempts: 3,
      evaluateOnExit: [
        { onExitCode: '42', action: 'RETRY' },
        { onExitCode: '*', action: 'EXIT' },
      ],
    },
  })

  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'broken', jobQueue: 'cpu', jobDefinition: 'broken' }),
  )
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'FAILED')
  t.equal(job.attempts?.length, 1)
  t.equal(job.container?.exitCode, 5)
})

t.test('unmatched exit retries while attempts remain', async (t) => {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'always-failing', nodeCommand('process.exit(5)'), {
    retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '42', action: 'EXIT' }] },
  })

  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({
      jobName: 'always-failing',
      jobQueue: 'cpu',
      jobDefinition: 'always-failing',
    }),
  )
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'FAILED')
  t.same(
    job.attempts?.map((attempt) => attempt.container?.exitCode),
    [5, 5],
  )
})

t.test('missing command fails to start', async (t) => {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'no-such-program', ['/nonexistent/program'])

  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({
      jobName: 'no-such-program',
      jobQueue: 'cpu',
      jobDefinition: 'no-such-program',
    }),
  )
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'FAILED')
  t.equal(job.statusReason, 'Task failed to start')
  t.match(job.container?.reason, /^CannotStartContainerError: /)
  t.equal(job.container?.exitCode, undefined)
})

t.test('cancel fails job before start', async (t) => {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'full', { capacity: 0 })
  await registerContainerDefinition(batch, 'sleeper', SLEEP_FOREVER)
  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'queued', jobQueue: 'full', jobDefinition: 'sleeper' }),
  )
  await waitForStatus(batch, jobId, 'RUNNABLE')

  await batch.send(new CancelJobCommand({ jobId, reason: 'user cancelled run-7' }))
  const job = await describeJob(batch, jobId)

  t.equal(job.status, 'FAILED')
  t.equal(job.statusReason, 'user cancelled run-7')
  t.equal(job.isCancelled, true)
  t.same(job.attempts, [])
})

t.test('terminate stops running job, cancel does not', async (t) => {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'sleeper', SLEEP_FOREVER)
  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'long-run', jobQueue: 'cpu', jobDefinition: 'sleeper' }),
  )
  await waitForStatus(batch, jobId, 'RUNNING')

  await batch.send(new CancelJobCommand({ jobId, reason: 'cancel has no effect now' }))
  t.equal((await describeJob(batch, jobId)).status, 'RUNNING', 'CancelJob leaves a RUNNING job')

  await batch.send(new TerminateJobCommand({ jobId, reason: 'user terminated run-8' }))
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'FAILED')
  t.equal(job.statusReason, 'user terminated run-8')
  t.equal(job.isTerminated, true)
  t.equal(job.attempts?.length, 1)
  t.equal(job.attempts?.[0]?.statusReason, 'user terminated run-8')
  t.equal(job.container?.exitCode, 143)
})

t.test('zero-capacity queue keeps job RUNNABLE', async (t) => {
  const { batch } = await startHarness(t)
  const fullQueueArn = await createQueue(batch, 'no-compute', { capacity: 0 })
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'quick', nodeCommand('process.exit(0)'))
  const { jobId: waitingId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'waiting', jobQueue: 'no-compute', jobDefinition: 'quick' }),
  )
  await waitForStatus(batch, waitingId, 'RUNNABLE')

  // A job on another queue runs to the end while the first one waits, so the scheduler
  // has had every chance to start it.
  const { jobId: otherId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'other', jobQueue: 'cpu', jobDefinition: 'quick' }),
  )
  await waitForStatus(batch, otherId, 'SUCCEEDED')
  t.equal((await describeJob(batch, waitingId)).status, 'RUNNABLE')

  await batch.send(
    new TagResourceCommand({ resourceArn: fullQueueArn, tags: { 'batch-local:capacity': '1' } }),
  )
  const job = await waitForStatus(batch, waitingId, ['SUCCEEDED', 'FAILED'])
  t.equal(job.status, 'SUCCEEDED', 'the job runs once the queue has capacity')
})
