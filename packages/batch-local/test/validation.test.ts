import {
  type BatchClient,
  CancelJobCommand,
  CreateJobQueueCommand,
  CreateSchedulingPolicyCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  type NodeProperties,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type SubmitJobCommandInput,
} from '@aws-sdk/client-batch'
import t, { type Test } from 'tap'
import {
  createQueue,
  nodeCommand,
  registerMultiNodeDefinition,
  startHarness,
} from './fixtures/harness.js'

const COMMAND = nodeCommand('process.exit(0)')

async function setUp(t: Test): Promise<BatchClient> {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'fifo')
  const policy = await batch.send(
    new CreateSchedulingPolicyCommand({
      name: 'teams',
      fairsharePolicy: { shareDistribution: [{ shareIdentifier: 'vision', weightFactor: 1 }] },
    }),
  )
  await createQueue(batch, 'fair', { schedulingPolicyArn: policy.arn })
  await registerMultiNodeDefinition(batch, 'mnp', COMMAND)
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'closed-ranges',
      type: 'multinode',
      nodeProperties: {
        numNodes: 2,
        mainNode: 0,
        nodeRangeProperties: [
          { targetNodes: '0:1', container: { image: 'trainer', command: COMMAND } },
        ],
      },
    }),
  )
  return batch
}

function submit(batch: BatchClient, input: Partial<SubmitJobCommandInput>) {
  return batch.send(
    new SubmitJobCommand({ jobName: 'job', jobQueue: 'fifo', jobDefinition: 'mnp', ...input }),
  )
}

t.test('SubmitJob rejects invalid requests', async (t) => {
  const batch = await setUp(t)
  const cases: Array<[string, Partial<SubmitJobCommandInput>, RegExp]> = [
    ['missing jobName', { jobName: undefined }, /^jobName is required/],
    ['name starting with a hyphen', { jobName: '-run' }, /^Invalid jobName "-run"/],
    ['name with a dot', { jobName: 'run.1' }, /^Invalid jobName/],
    ['name of 129 characters', { jobName: 'a'.repeat(129) }, /^Invalid jobName/],
    ['unknown queue', { jobQueue: 'nowhere' }, /^Job queue nowhere not found/],
    [
      'unknown job definition',
      { jobDefinition: 'missing:3' },
      /^Job definition missing:3 not found/,
    ],
    [
      'missing shareIdentifier on a fair-share queue',
      { jobQueue: 'fair' },
      /^shareIdentifier must be specified/,
    ],
    [
      'shareIdentifier on a FIFO queue',
      { shareIdentifier: 'vision' },
      /^shareIdentifier can't be specified/,
    ],
    [
      'invalid shareIdentifier',
      { jobQueue: 'fair', shareIdentifier: 'vision-team' },
      /^Invalid shareIdentifier/,
    ],
    [
      'timeout under 60 s',
      { timeout: { attemptDurationSeconds: 59 } },
      /at least 60 seconds \(got 59\)/,
    ],
    [
      'no retry attempts',
      { retryStrategy: { attempts: 0 } },
      /attempts must be between 1 and 10 \(got 0\)/,
    ],
    [
      '11 retry attempts',
      { retryStrategy: { attempts: 11 } },
      /attempts must be between 1 and 10 \(got 11\)/,
    ],
    [
      'six evaluateOnExit conditions',
      {
        retryStrategy: {
          attempts: 2,
          evaluateOnExit: Array.from({ length: 6 }, () => ({
            onExitCode: '1',
            action: 'RETRY' as const,
          })),
        },
      },
      /evaluateOnExit can have at most 5 conditions \(got 6\)/,
    ],
    [
      'evaluateOnExit without attempts',
      { retryStrategy: { evaluateOnExit: [{ onExitCode: '1', action: 'RETRY' }] } },
      /attempts is required when evaluateOnExit is specified/,
    ],
    [
      'asterisk inside an exit code pattern',
      { retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '1*2', action: 'RETRY' }] } },
      /^Invalid retryStrategy.evaluateOnExit\[0\].onExitCode/,
    ],
    [
      'numNodes of 0',
      { nodeOverrides: { numNodes: 0 } },
      /nodeOverrides.numNodes must be at least 1/,
    ],
    [
      'numNodes without an open node range',
      { jobDefinition: 'closed-ranges', nodeOverrides: { numNodes: 3 } },
      /requires a node range with an open upper bound/,
    ],
    [
      'override range outside the nodes',
      {
        nodeOverrides: { nodePropertyOverrides: [{ targetNodes: '0:5', containerOverrides: {} }] },
      },
      /node indexes must be below numNodes \(2\)/,
    ],
    [
      'malformed override range',
      {
        nodeOverrides: { nodePropertyOverrides: [{ targetNodes: 'all', containerOverrides: {} }] },
      },
      /a node range has the form start:end/,
    ],
    [
      'reserved environment variable',
      {
        nodeOverrides: {
          nodePropertyOverrides: [
            {
              targetNodes: '0:',
              containerOverrides: { environment: [{ name: 'AWS_BATCH_JOB_ID', value: 'x' }] },
            },
          ],
        },
      },
      /names starting with AWS_BATCH are reserved/,
    ],
    [
      'containerOverrides on a multinode job',
      { containerOverrides: { command: ['true'] } },
      /containerOverrides cannot be used with a multinode job definition/,
    ],
    [
      'array job',
      { arrayProperties: { size: 2 } },
      /arrayProperties is not supported by batch-local/,
    ],
    [
      'request over 30 KiB',
      {
        nodeOverrides: {
          nodePropertyOverrides: [
            {
              targetNodes: '0:',
              containerOverrides: { environment: [{ name: 'BIG', value: 'x'.repeat(31 * 1024) }] },
            },
          ],
        },
      },
      /exceeds the SubmitJob limit of 30720 bytes/,
    ],
  ]

  for (const [name, input, message] of cases) {
    await t.rejects(submit(batch, input), { name: 'ClientException', message }, name)
  }
})

t.test('ClientException is a 400 client fault', async (t) => {
  const batch = await setUp(t)

  const error = await submit(batch, { jobName: '-run' }).catch((caught: unknown) => caught)

  t.match(error, { name: 'ClientException', $fault: 'client', $metadata: { httpStatusCode: 400 } })
})

t.test('shareIdentifier accepted on fair-share queue', async (t) => {
  const batch = await setUp(t)

  const result = await submit(batch, { jobQueue: 'fair', shareIdentifier: 'vision' })

  t.match(result.jobId, /^[0-9a-f-]{36}$/)
})

t.test('RegisterJobDefinition rejects invalid node properties', async (t) => {
  const { batch } = await startHarness(t)
  const container = { image: 'trainer', command: COMMAND }
  const cases: Array<[string, NodeProperties, RegExp]> = [
    [
      'main node index not below numNodes',
      { numNodes: 2, mainNode: 2, nodeRangeProperties: [{ targetNodes: '0:', container }] },
      /mainNode \(2\) must be less than nodeProperties.numNodes \(2\)/,
    ],
    [
      'node range past the last node',
      { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:2', container }] },
      /node indexes must be below numNodes \(2\)/,
    ],
    [
      'uncovered node',
      {
        numNodes: 3,
        mainNode: 0,
        nodeRangeProperties: [
          { targetNodes: '0:0', container },
          { targetNodes: '2:2', container },
        ],
      },
      /Node 1 is not covered by any node range/,
    ],
    [
      'range ending before it starts',
      { numNodes: 3, mainNode: 0, nodeRangeProperties: [{ targetNodes: '2:1', container }] },
      /the end of the node range is below its start/,
    ],
    [
      'node range without an image',
      {
        numNodes: 1,
        mainNode: 0,
        nodeRangeProperties: [{ targetNodes: '0:', container: { command: COMMAND } }],
      },
      /container.image is required/,
    ],
  ]

  for (const [name, nodeProperties, message] of cases) {
    await t.rejects(
      batch.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: 'bad',
          type: 'multinode',
          nodeProperties,
        }),
      ),
      { name: 'ClientException', message },
      name,
    )
  }
  await t.rejects(
    batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'bad', type: 'multinode' })),
    { name: 'ClientException', message: /nodeProperties is required/ },
    'multinode without nodeProperties',
  )
  await t.rejects(
    batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: 'bad name',
        type: 'container',
        containerProperties: container,
      }),
    ),
    { name: 'ClientException', message: /^Invalid jobDefinitionName "bad name"/ },
    'definition name with a space',
  )
})

t.test('other operations reject invalid requests', async (t) => {
  const batch = await setUp(t)

  await t.rejects(
    batch.send(
      new DescribeJobsCommand({ jobs: Array.from({ length: 101 }, (_, index) => `job-${index}`) }),
    ),
    { name: 'ClientException', message: /^Maximum number of jobs supported is 100/ },
    'DescribeJobs with 101 ids',
  )
  await t.rejects(
    batch.send(new ListJobsCommand({ jobQueue: 'fifo', multiNodeJobId: 'abc' })),
    { name: 'ClientException', message: /exactly one of jobQueue, multiNodeJobId and arrayJobId/ },
    'ListJobs with two sources',
  )
  await t.rejects(
    batch.send(
      new ListJobsCommand({
        jobQueue: 'fifo',
        filters: [
          { name: 'JOB_NAME', values: ['a'] },
          { name: 'JOB_DEFINITION', values: ['mnp'] },
        ],
      }),
    ),
    { name: 'ClientException', message: /only one filter at a time/ },
    'ListJobs with two filters',
  )
  await t.rejects(
    batch.send(new ListJobsCommand({ jobQueue: 'fifo', jobStatus: 'DONE' as 'FAILED' })),
    { name: 'ClientException', message: /^Invalid jobStatus "DONE"/ },
    'ListJobs with an unknown status',
  )
  await t.rejects(
    batch.send(new CancelJobCommand({ jobId: 'abc', reason: undefined as unknown as string })),
    { name: 'ClientException', message: /^reason is required/ },
    'CancelJob without a reason',
  )
  await t.rejects(
    batch.send(new CreateJobQueueCommand({ jobQueueName: 'fifo', priority: 1 })),
    { name: 'ClientException', message: /^Object already exists/ },
    'a second queue with the same name',
  )
  await t.rejects(
    batch.send(
      new CreateJobQueueCommand({
        jobQueueName: 'odd',
        priority: 1,
        tags: { 'batch-local:capacity': 'many' },
      }),
    ),
    { name: 'ClientException', message: /^Invalid tag batch-local:capacity="many"/ },
    'a non-numeric capacity tag',
  )
  await t.rejects(
    batch.send(
      new CreateJobQueueCommand({
        jobQueueName: 'orphan',
        priority: 1,
        schedulingPolicyArn: 'arn:aws:batch:us-east-1:000000000000:scheduling-policy/none',
      }),
    ),
    { name: 'ClientException', message: /^Scheduling policy .* not found/ },
    'a queue with an unknown scheduling policy',
  )
})
