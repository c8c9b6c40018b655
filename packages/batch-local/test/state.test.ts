import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch'
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import t from 'tap'
import { startEventReceiver } from './fixtures/event-receiver.js'
import {
  createQueue,
  describeJob,
  nodeCommand,
  registerContainerDefinition,
  registerMultiNodeDefinition,
  startHarness,
  waitFor,
  waitForStatus,
} from './fixtures/harness.js'

/** Returns whether a process with the id still exists. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('close fails running jobs as host terminated', async (t) => {
  const pidFile = join(t.testdir(), 'pids')
  const receiver = await startEventReceiver(t)
  const { batch, batchLocal } = await startHarness(t, {
    events: { endpoint: receiver.endpoint, functionName: 'batch-events' },
  })
  await createQueue(batch, 'gpu')
  const script = `
    require('node:fs').appendFileSync(process.env.PID_FILE, process.pid + '\\n')
    setInterval(() => {}, 1000)
  `
  await registerMultiNodeDefinition(batch, 'forever', nodeCommand(script), {
    nodeProperties: {
      numNodes: 2,
      mainNode: 0,
      nodeRangeProperties: [
        {
          targetNodes: '0:',
          container: {
            image: 'trainer',
            command: nodeCommand(script),
            environment: [{ name: 'PID_FILE', value: pidFile }],
          },
        },
      ],
    },
  })
  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'forever', jobQueue: 'gpu', jobDefinition: 'forever' }),
  )
  await waitForStatus(batch, `${jobId}#1`, 'RUNNING')
  const pids = await waitFor(
    'both nodes to write their process ids',
    async () =>
      existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split('\n').map(Number) : [],
    (found) => found.length === 2,
  )

  await batchLocal.close()

  t.notOk(pids.some(processExists), 'the node processes are gone')
  const failed = receiver.events.find(
    (event) => event.detail.jobId === jobId && event.detail.status === 'FAILED',
  )
  t.match(failed?.detail.statusReason, /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/)
  t.equal(failed?.detail.attempts?.length, 1)
  t.equal(
    failed?.detail.attempts?.[0]?.container?.exitCode,
    undefined,
    'a lost host reports no exit code',
  )
})

t.test('restart keeps definitions, queues and jobs', async (t) => {
  const stateDir = t.testdir()
  const first = await startHarness(t, { stateDir })
  await createQueue(first.batch, 'cpu')
  await createQueue(first.batch, 'no-compute', { capacity: 0 })
  await registerContainerDefinition(
    first.batch,
    'hello',
    nodeCommand("console.log('hello'); setTimeout(() => {}, 60000)"),
  )
  await registerContainerDefinition(first.batch, 'done', nodeCommand("console.log('done')"))
  const { jobId: finishedId = '' } = await first.batch.send(
    new SubmitJobCommand({ jobName: 'finished', jobQueue: 'cpu', jobDefinition: 'done' }),
  )
  const finished = await waitForStatus(first.batch, finishedId, 'SUCCEEDED')
  const { jobId: runningId = '' } = await first.batch.send(
    new SubmitJobCommand({ jobName: 'running', jobQueue: 'cpu', jobDefinition: 'hello' }),
  )
  await waitForStatus(first.batch, runningId, 'RUNNING')
  const { jobId: queuedId = '' } = await first.batch.send(
    new SubmitJobCommand({ jobName: 'queued', jobQueue: 'no-compute', jobDefinition: 'hello' }),
  )
  await waitForStatus(first.batch, queuedId, 'RUNNABLE')
  await first.batchLocal.close()

  const second = await startHarness(t, { stateDir })

  const queues = await second.batch.send(new DescribeJobQueuesCommand({}))
  t.same(
    queues.jobQueues?.map((queue) => queue.jobQueueName),
    ['cpu', 'no-compute'],
  )
  const definitions = await second.batch.send(
    new DescribeJobDefinitionsCommand({ status: 'ACTIVE' }),
  )
  t.same(
    definitions.jobDefinitions?.map((definition) => definition.jobDefinitionName),
    ['hello', 'done'],
  )

  const finishedAfter = await describeJob(second.batch, finishedId)
  t.equal(finishedAfter.status, 'SUCCEEDED')
  t.equal(finishedAfter.container?.exitCode, 0)
  const log = await second.logs.send(
    new GetLogEventsCommand({
      logGroupName: '/aws/batch/job',
      logStreamName: finished.container?.logStreamName,
      startFromHead: true,
    }),
  )
  t.same(
    log.events?.map((event) => event.message),
    ['done'],
    'logs survive the restart',
  )

  const runningAfter = await describeJob(second.batch, runningId)
  t.equal(runningAfter.status, 'FAILED')
  t.match(runningAfter.statusReason, /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/)
  t.equal(
    (await describeJob(second.batch, queuedId)).status,
    'RUNNABLE',
    'a queued job stays queued',
  )
})
