import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ListJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch'
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import t from 'tap'
import {
  createQueue,
  describeJob,
  nodeCommand,
  registerMultiNodeDefinition,
  startHarness,
  waitForStatus,
} from './fixtures/harness.js'

// Every node runs this script. The main node listens on MASTER_PORT and waits for one message.
// A child node connects to the main node's address and port (retrying until it listens) and
// sends its node index. Both print the variables they saw as one `SEEN` line.
const RENDEZVOUS_SCRIPT = `
const net = require('node:net')
const env = process.env
const seen = {}
for (const name of Object.keys(env)) {
  if (name.startsWith('AWS_BATCH_') || ['MASTER_PORT', 'RUN_ID', 'NODE_ROLE'].includes(name)) seen[name] = env[name]
}
if (env.AWS_BATCH_JOB_NODE_INDEX === env.AWS_BATCH_JOB_MAIN_NODE_INDEX) {
  const server = net.createServer((socket) => {
    let text = ''
    socket.on('data', (chunk) => { text += chunk })
    socket.on('end', () => {
      console.log('SEEN ' + JSON.stringify({ ...seen, received: text }))
      server.close()
    })
  })
  server.listen(Number(env.MASTER_PORT), '127.0.0.1')
} else {
  const connect = (triesLeft) => {
    const socket = net.connect(Number(env.MASTER_PORT), env.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS)
    socket.on('connect', () => {
      socket.end('hello from node ' + env.AWS_BATCH_JOB_NODE_INDEX)
      console.log('SEEN ' + JSON.stringify(seen))
    })
    socket.on('error', () => {
      if (triesLeft === 0) process.exit(9)
      setTimeout(() => connect(triesLeft - 1), 50)
    })
  }
  connect(200)
}
`

t.test('two-node job meets at main node port', async (t) => {
  const { batch, logs } = await startHarness(t)
  await createQueue(batch, 'gpu')
  await registerMultiNodeDefinition(batch, 'rendezvous', nodeCommand(RENDEZVOUS_SCRIPT), {
    nodeProperties: {
      numNodes: 1,
      mainNode: 0,
      nodeRangeProperties: [
        {
          targetNodes: '0:',
          container: {
            image: 'trainer:latest',
            command: ['false'],
            environment: [
              { name: 'MASTER_PORT', value: '1' },
              { name: 'NODE_ROLE', value: 'definition' },
            ],
          },
        },
      ],
    },
  })

  const submitted = await batch.send(
    new SubmitJobCommand({
      jobName: 'run-42',
      jobQueue: 'gpu',
      jobDefinition: 'rendezvous',
      nodeOverrides: {
        numNodes: 2,
        nodePropertyOverrides: [
          {
            targetNodes: '0:',
            containerOverrides: {
              command: nodeCommand(RENDEZVOUS_SCRIPT),
              environment: [{ name: 'RUN_ID', value: 'run-42' }],
            },
          },
          {
            targetNodes: '1:1',
            containerOverrides: { environment: [{ name: 'NODE_ROLE', value: 'worker' }] },
          },
        ],
      },
    }),
  )
  const jobId = submitted.jobId ?? ''
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'SUCCEEDED')
  t.equal(job.statusReason, 'Essential container in task exited')
  t.equal(job.container?.exitCode, 0)
  t.equal(job.nodeProperties?.numNodes, 2)
  t.equal(job.attempts?.length, 1)

  const mainNode = await describeJob(batch, `${jobId}#0`)
  const childNode = await describeJob(batch, `${jobId}#1`)
  t.same(mainNode.nodeDetails, { nodeIndex: 0, isMainNode: true })
  t.same(childNode.nodeDetails, { nodeIndex: 1, isMainNode: false })
  t.equal(childNode.status, 'SUCCEEDED')
  t.match(mainNode.container?.logStreamName, /^rendezvous\/default\/[0-9a-f]{32}$/)
  t.equal(job.container?.logStreamName, mainNode.container?.logStreamName)
  t.not(childNode.container?.logStreamName, mainNode.container?.logStreamName)

  const readSeen = async (logStreamName: string | undefined) => {
    const output = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/batch/job',
        logStreamName,
        startFromHead: true,
      }),
    )
    const line = output.events?.find((event) => event.message?.startsWith('SEEN '))
    return JSON.parse(line?.message?.slice('SEEN '.length) ?? '{}') as Record<string, string>
  }
  const mainSeen = await readSeen(mainNode.container?.logStreamName)
  const childSeen = await readSeen(childNode.container?.logStreamName)

  t.equal(mainSeen.AWS_BATCH_JOB_ID, `${jobId}#0`)
  t.equal(mainSeen.AWS_BATCH_JOB_NODE_INDEX, '0')
  t.equal(mainSeen.AWS_BATCH_JOB_MAIN_NODE_INDEX, '0')
  t.equal(mainSeen.AWS_BATCH_JOB_NUM_NODES, '2')
  t.equal(mainSeen.AWS_BATCH_JOB_ATTEMPT, '1')
  t.equal(mainSeen.AWS_BATCH_JQ_NAME, 'gpu')
  t.notOk(
    'AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS' in mainSeen,
    'main node has no main address',
  )
  t.equal(mainSeen.RUN_ID, 'run-42')
  t.equal(mainSeen.NODE_ROLE, 'definition')
  t.equal(mainSeen.received, 'hello from node 1')

  t.equal(childSeen.AWS_BATCH_JOB_ID, `${jobId}#1`)
  t.equal(childSeen.AWS_BATCH_JOB_NODE_INDEX, '1')
  t.equal(childSeen.AWS_BATCH_JOB_MAIN_NODE_INDEX, '0')
  t.equal(childSeen.AWS_BATCH_JOB_NUM_NODES, '2')
  t.equal(childSeen.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS, '127.0.0.1')
  t.equal(childSeen.RUN_ID, 'run-42')
  t.equal(childSeen.NODE_ROLE, 'worker')

  t.equal(childSeen.MASTER_PORT, mainSeen.MASTER_PORT, 'nodes share one MASTER_PORT')
  t.not(mainSeen.MASTER_PORT, '1', 'MASTER_PORT from the job is replaced')

  const nodes = await batch.send(
    new ListJobsCommand({ multiNodeJobId: jobId, jobStatus: 'SUCCEEDED' }),
  )
  t.same(
    nodes.jobSummaryList?.map((summary) => [summary.jobId, summary.nodeProperties?.isMainNode]),
    [
      [`${jobId}#0`, true],
      [`${jobId}#1`, false],
    ],
  )
})

t.test('failing main node fails job', async (t) => {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'gpu')
  const script = `
    if (process.env.AWS_BATCH_JOB_NODE_INDEX === '0') setTimeout(() => process.exit(3), 100)
    else setInterval(() => {}, 1000)
  `
  await registerMultiNodeDefinition(batch, 'failing-main', nodeCommand(script))

  const submitted = await batch.send(
    new SubmitJobCommand({
      jobName: 'failing-main',
      jobQueue: 'gpu',
      jobDefinition: 'failing-main',
    }),
  )
  const jobId = submitted.jobId ?? ''
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'FAILED')
  t.equal(job.statusReason, 'Essential container in task exited')
  t.equal(job.container?.exitCode, 3)
  t.equal(job.attempts?.length, 1)
  t.equal(job.attempts?.[0]?.container?.exitCode, 3)
  t.equal(job.attempts?.[0]?.statusReason, 'Essential container in task exited')
  t.ok((job.attempts?.[0]?.startedAt ?? 0) > 0, 'attempt has startedAt')
  t.ok(
    (job.attempts?.[0]?.stoppedAt ?? 0) >= (job.attempts?.[0]?.startedAt ?? 0),
    'attempt has stoppedAt',
  )
  t.equal(job.attempts?.[0]?.container?.logStreamName, job.container?.logStreamName)

  const child = await describeJob(batch, `${jobId}#1`)
  t.equal(child.status, 'FAILED', 'the running child node is stopped with the job')
  t.equal(child.container?.exitCode, undefined, 'a stopped child node has no exit code of its own')
})

t.test('dying child node leaves job running', async (t) => {
  const { batch } = await startHarness(t)
  const doneFile = join(t.testdir(), 'done')
  await createQueue(batch, 'gpu')
  const script = `
    const fs = require('node:fs')
    if (process.env.AWS_BATCH_JOB_NODE_INDEX === '1') process.exit(7)
    setInterval(() => { if (fs.existsSync(process.env.DONE_FILE)) process.exit(0) }, 20)
  `
  await registerMultiNodeDefinition(batch, 'dying-child', nodeCommand(script))

  const submitted = await batch.send(
    new SubmitJobCommand({
      jobName: 'dying-child',
      jobQueue: 'gpu',
      jobDefinition: 'dying-child',
      nodeOverrides: {
        nodePropertyOverrides: [
          {
            targetNodes: '0:',
            containerOverrides: { environment: [{ name: 'DONE_FILE', value: doneFile }] },
          },
        ],
      },
    }),
  )
  const jobId = submitted.jobId ?? ''
  const child = await waitForStatus(batch, `${jobId}#1`, 'FAILED')

  t.equal(child.container?.exitCode, 7)
  t.equal(child.statusReason, 'Essential container in task exited')
  t.equal(child.attempts?.[0]?.container?.exitCode, 7)
  t.equal((await describeJob(batch, jobId)).status, 'RUNNING', 'the job follows its main node')
  t.equal((await describeJob(batch, `${jobId}#0`)).status, 'RUNNING')

  writeFileSync(doneFile, '')
  const job = await waitForStatus(batch, jobId, ['SUCCEEDED', 'FAILED'])

  t.equal(job.status, 'SUCCEEDED')
  t.equal(job.container?.exitCode, 0)
  t.equal(
    (await describeJob(batch, `${jobId}#1`)).container?.exitCode,
    7,
    'the child keeps its own exit',
  )
})
