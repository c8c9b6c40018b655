import {
  DescribeJobDefinitionsCommand,
  DescribeJobsCommand,
  type JobSummary,
  ListJobsCommand,
  type ListJobsCommandInput,
  SubmitJobCommand,
} from '@aws-sdk/client-batch'
import t from 'tap'
import {
  createQueue,
  nodeCommand,
  registerContainerDefinition,
  startHarness,
  waitForStatus,
} from './fixtures/harness.js'

t.test('ListJobs by status and filter', async (t) => {
  const { batch } = await startHarness(t)
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'quick', nodeCommand('process.exit(0)'))
  await registerContainerDefinition(batch, 'slow', nodeCommand('setInterval(() => {}, 1000)'))

  const finishedIds: string[] = []
  for (const jobName of ['train-a1', 'Train-a2', 'eval']) {
    const { jobId = '' } = await batch.send(
      new SubmitJobCommand({ jobName, jobQueue: 'cpu', jobDefinition: 'quick' }),
    )
    await waitForStatus(batch, jobId, 'SUCCEEDED')
    finishedIds.push(jobId)
  }
  const { jobId: runningId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'train-long', jobQueue: 'cpu', jobDefinition: 'slow' }),
  )
  await waitForStatus(batch, runningId, 'RUNNING')

  const list = async (input: ListJobsCommandInput) =>
    (await batch.send(new ListJobsCommand(input))).jobSummaryList?.map((summary) => summary.jobName)

  t.same(await list({ jobQueue: 'cpu' }), ['train-long'], 'RUNNING jobs by default')
  t.same(await list({ jobQueue: 'cpu', jobStatus: 'SUCCEEDED' }), ['train-a1', 'Train-a2', 'eval'])
  t.same(
    await list({ jobQueue: 'cpu', filters: [{ name: 'JOB_NAME', values: ['TRAIN-A*'] }] }),
    ['Train-a2', 'train-a1'],
    'JOB_NAME is case-insensitive, a trailing * matches a prefix, newest first',
  )
  t.same(
    await list({
      jobQueue: 'cpu',
      jobStatus: 'SUCCEEDED',
      filters: [{ name: 'JOB_NAME', values: ['train-long'] }],
    }),
    ['train-long'],
    'jobStatus is ignored with a JOB_NAME filter',
  )
  t.same(
    await list({ jobQueue: 'cpu', filters: [{ name: 'JOB_DEFINITION', values: ['quick'] }] }),
    ['eval', 'Train-a2', 'train-a1'],
  )

  const pages: JobSummary[] = []
  let nextToken: string | undefined
  do {
    const page = await batch.send(
      new ListJobsCommand({
        jobQueue: 'cpu',
        filters: [{ name: 'JOB_NAME', values: ['train*'] }],
        maxResults: 1,
        nextToken,
      }),
    )
    pages.push(...(page.jobSummaryList ?? []))
    nextToken = page.nextToken
  } while (nextToken !== undefined)
  t.same(
    pages.map((summary) => summary.jobName),
    ['train-long', 'Train-a2', 'train-a1'],
    'pages of one result cover the whole list',
  )

  const described = await batch.send(
    new DescribeJobsCommand({ jobs: [finishedIds[0] ?? '', 'no-such-job', `${finishedIds[0]}#0`] }),
  )
  t.same(
    described.jobs?.map((job) => job.jobId),
    [finishedIds[0]],
    'unknown ids, and node ids of a container job, are left out',
  )
})

t.test('job definition revisions', async (t) => {
  const { batch } = await startHarness(t)
  const firstArn = await registerContainerDefinition(batch, 'trainer', ['true'])
  const secondArn = await registerContainerDefinition(batch, 'trainer', ['false'])

  t.match(firstArn, /^arn:aws:batch:us-east-1:000000000000:job-definition\/trainer:1$/)
  t.match(secondArn, /:job-definition\/trainer:2$/)

  const byRevision = await batch.send(
    new DescribeJobDefinitionsCommand({ jobDefinitions: ['trainer:1'] }),
  )
  t.same(
    byRevision.jobDefinitions?.map((definition) => definition.containerProperties?.command),
    [['true']],
  )
  const byArn = await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitions: [secondArn] }))
  t.equal(byArn.jobDefinitions?.[0]?.revision, 2)
  const byName = await batch.send(
    new DescribeJobDefinitionsCommand({ jobDefinitionName: 'trainer' }),
  )
  t.equal(byName.jobDefinitions?.length, 2)

  await createQueue(batch, 'cpu')
  const submitted = await batch.send(
    new SubmitJobCommand({ jobName: 'latest', jobQueue: 'cpu', jobDefinition: 'trainer' }),
  )
  const job = await waitForStatus(batch, submitted.jobId ?? '', ['SUCCEEDED', 'FAILED'])
  t.equal(job.jobDefinition, secondArn, 'a name without revision uses the latest revision')
  t.equal(job.status, 'FAILED', 'the command of revision 2 (false) ran')
  t.equal(job.container?.exitCode, 1)
})
