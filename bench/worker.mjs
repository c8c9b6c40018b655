// Worker benchmark: the cost of one monitor cycle over many active runs, and dispatch of a
// backlog by two replicas at once. Everything runs on 127.0.0.1 against DynamoDB Local and
// batch-local, started and stopped here.
//
// Usage (from the repository root): npm run bench:worker
//   or, once the packages are built: node bench/worker.mjs [monitorRuns] [dispatchRuns] [logLevel]
import { randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import {
  CreateJobQueueCommand,
  ListJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch'
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb'
import { CAPACITY_TAG, startBatchLocal } from '@trainplane/batch-local'
import {
  CursorCodec,
  createDynamoDbClients,
  createLogger,
  createTables,
  newRunId,
  RunRepository,
  STATUS_RANK,
  tableNames,
} from '@trainplane/shared'
import { startDynamoDbLocal } from '@trainplane/testkit'
import { createBatchClient, createWorker } from '@trainplane/worker'

const MONITOR_RUNS = Number(process.argv[2] ?? 10_000)
const DISPATCH_RUNS = Number(process.argv[3] ?? 1_000)
/** The workers' pino level; `warn` shows why a SubmitJob outcome was unknown. */
const LOG_LEVEL = process.argv[4] ?? 'silent'
const MONITOR_ROUNDS = 5
const MONITOR_SIZES = [...new Set([1_000, 5_000, MONITOR_RUNS].filter((n) => n <= MONITOR_RUNS))]
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }
const REGION = 'us-east-1'
const QUEUE = {
  name: 'held',
  jobQueue: 'bench-held',
  jobDefinition: 'bench-mnp',
  maxNodes: 4,
  gpusPerNode: 0,
  vcpusPerNode: 1,
  memoryMiBPerNode: 512,
  sharedMemoryMiB: 64,
  spot: false,
  fairShare: false,
  maxRunnableSeconds: 86_400,
  maxTimeoutSeconds: 86_400,
  pricePerGpuHour: 0,
  allowedImagePrefixes: ['local/'],
}
/** A second zero-capacity queue, so the dispatch check lists only the dispatched jobs. */
const DISPATCH_QUEUE = { ...QUEUE, name: 'dispatch', jobQueue: 'bench-dispatch' }
const SPEC = {
  image: 'local/trainer:1',
  command: ['true'],
  nodes: 2,
  gpusPerNode: 0,
  queue: QUEUE.name,
  timeoutSeconds: 3600,
}

/** Counts SDK calls by command name, for every call the client makes. */
function countCalls(client, counts = new Map()) {
  client.middlewareStack.add(
    (next, context) => (args) => {
      counts.set(context.commandName, (counts.get(context.commandName) ?? 0) + 1)
      return next(args)
    },
    { step: 'initialize', name: 'benchCallCounter' },
  )
  return counts
}

async function inBatches(items, size, action) {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(action))
  }
}

async function defineQueue(batch) {
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: QUEUE.jobDefinition,
      type: 'multinode',
      nodeProperties: {
        numNodes: 1,
        mainNode: 0,
        nodeRangeProperties: [
          {
            targetNodes: '0:',
            container: {
              image: 'local/trainer:1',
              command: ['true'],
              linuxParameters: { sharedMemorySize: 64 },
            },
          },
        ],
      },
    }),
  )
  for (const jobQueueName of [QUEUE.jobQueue, DISPATCH_QUEUE.jobQueue]) {
    await batch.send(
      new CreateJobQueueCommand({
        jobQueueName,
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }],
        tags: { [CAPACITY_TAG]: '0' },
      }),
    )
  }
}

/**
 * Writes `count` runs that are RUNNABLE in attempt 1, each with a RUNNABLE job in batch-local,
 * as the worker leaves them after dispatch and a first monitor cycle.
 */
async function seedRunnableRuns(batch, document, tables, count) {
  const now = new Date().toISOString()
  const runIds = Array.from({ length: count }, () => newRunId())
  const jobIds = new Map()
  await inBatches(runIds, 50, async (runId) => {
    const submitted = await batch.send(
      new SubmitJobCommand({
        jobName: `trainplane-${runId}`,
        jobQueue: QUEUE.jobQueue,
        jobDefinition: QUEUE.jobDefinition,
        nodeOverrides: { numNodes: SPEC.nodes },
      }),
    )
    jobIds.set(runId, submitted.jobId)
  })

  const items = runIds.map((runId) => ({
    runId,
    userId: 'bench-user',
    spec: SPEC,
    status: 'RUNNABLE',
    attempt: 1,
    rank: STATUS_RANK.RUNNABLE,
    createdAt: now,
    updatedAt: now,
    createdKey: `${now}#${runId}`,
    listPartition: 'runs',
    history: [
      { status: 'QUEUED', attempt: 0, at: now },
      { status: 'SUBMITTING', attempt: 0, at: now },
      { status: 'SUBMITTED', attempt: 1, at: now },
      { status: 'RUNNABLE', attempt: 1, at: now },
    ],
    jobId: jobIds.get(runId),
    jobName: `trainplane-${runId}`,
    batchStatus: 'RUNNABLE',
  }))
  await inBatches(chunk(items, 25), 8, (group) =>
    writeAll(
      document,
      tables.runs,
      group.map((Item) => ({ PutRequest: { Item } })),
    ),
  )
}

function chunk(items, size) {
  const chunks = []
  for (let start = 0; start < items.length; start += size)
    chunks.push(items.slice(start, start + size))
  return chunks
}

async function writeAll(document, table, requests) {
  let pending = requests
  while (pending.length > 0) {
    const result = await document.send(
      new BatchWriteCommand({ RequestItems: { [table]: pending } }),
    )
    pending = result.UnprocessedItems?.[table] ?? []
  }
}

function workerConfig(prefix, workerId, endpoints) {
  return {
    region: REGION,
    dynamoDbEndpoint: endpoints.dynamoDb,
    tablePrefix: prefix,
    batchEndpoint: endpoints.batch,
    snsTopicArn: 'arn:aws:sns:us-east-1:000000000000:bench',
    queueCatalogPath: 'bench catalog',
    queueCatalog: { queues: [QUEUE, DISPATCH_QUEUE] },
    runTokenKey: randomBytes(32).toString('hex'),
    cursorSigningKey: randomBytes(32).toString('hex'),
    runReportUrl: 'http://127.0.0.1:9/report',
    workerId,
    pollIntervalMs: 1000,
    leaseSeconds: 60,
    submitRatePerSecond: 40,
    logLevel: 'silent',
  }
}

/** Builds a worker with the two Batch clients the service builds, counting the calls of both. */
async function makeWorker(prefix, workerId, endpoints, document, clock) {
  const options = { region: REGION, endpoint: endpoints.batch, credentials: CREDENTIALS }
  const batch = createBatchClient(options)
  const submitBatch = createBatchClient({ ...options, maxAttempts: 1 })
  const counts = countCalls(submitBatch, countCalls(batch))
  const worker = await createWorker(
    workerConfig(prefix, workerId, endpoints),
    {
      batch,
      submitBatch,
      document,
      notifier: { notifyRunEnded: async () => {} },
      logger: createLogger({ name: 'bench', level: LOG_LEVEL }),
      destroy: () => {
        batch.destroy()
        submitBatch.destroy()
      },
    },
    clock ? { clock } : {},
  )
  return { worker, counts }
}

/** Tables with `size` RUNNABLE runs, and a worker on them whose calls are counted. */
async function prepareMonitor(endpoints, client, document, size) {
  const prefix = `bench-monitor-${size}-${randomBytes(3).toString('hex')}`
  await createTables(client, prefix)
  const tables = tableNames(prefix)
  const seeder = createBatchClient({
    region: REGION,
    endpoint: endpoints.batch,
    credentials: CREDENTIALS,
  })
  await seedRunnableRuns(seeder, document, tables, size)
  seeder.destroy()
  const { worker, counts } = await makeWorker(prefix, `bench-monitor-${size}`, endpoints, document)
  return { size, worker, counts }
}

async function monitorCycle({ size, worker, counts }) {
  counts.clear()
  const started = performance.now()
  const summary = await worker.monitorOnce()
  const elapsedMs = performance.now() - started
  return {
    followed: summary.followed,
    describeJobsCalls: counts.get('DescribeJobsCommand') ?? 0,
    changes: summary.advanced + summary.finished + summary.queueTimeouts,
    seconds: elapsedMs / 1000,
    msPerRun: elapsedMs / size,
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * Runs MONITOR_ROUNDS cycles over each set of runs, the sets taking turns, so that warm-up and
 * the machine's other load fall on every size alike. Returns the median cycle of each size.
 */
async function benchMonitor(endpoints, client, document) {
  const sets = []
  for (const size of MONITOR_SIZES) {
    sets.push(await prepareMonitor(endpoints, client, document, size))
  }
  const cycles = new Map(sets.map((set) => [set.size, []]))
  for (let round = 0; round < MONITOR_ROUNDS; round++) {
    for (const set of sets) {
      cycles.get(set.size).push(await monitorCycle(set))
    }
  }
  await Promise.all(sets.map((set) => set.worker.stop()))

  return sets.map(({ size }) => {
    const runs = cycles.get(size)
    return {
      runs: size,
      expectedCalls: Math.ceil(size / 100),
      describeJobsCalls: [...new Set(runs.map((cycle) => cycle.describeJobsCalls))].join('/'),
      followed: [...new Set(runs.map((cycle) => cycle.followed))].join('/'),
      changes: runs.reduce((sum, cycle) => sum + cycle.changes, 0),
      medianSeconds: median(runs.map((cycle) => cycle.seconds)),
      medianMsPerRun: median(runs.map((cycle) => cycle.msPerRun)),
    }
  })
}

async function benchDispatch(endpoints, client, document, size) {
  const prefix = `bench-dispatch-${randomBytes(3).toString('hex')}`
  await createTables(client, prefix)
  const tables = tableNames(prefix)
  const runs = new RunRepository(document, tables, new CursorCodec(randomBytes(32)))
  const runIds = []
  await inBatches(Array.from({ length: size }), 25, async () => {
    const { run } = await runs.create({
      userId: 'bench-user',
      spec: { ...SPEC, queue: DISPATCH_QUEUE.name },
    })
    runIds.push(run.runId)
  })

  // Reconciliation only takes over runs whose lease expired, so the replicas' clock is moved
  // past the lease once dispatch is done, instead of waiting for it.
  let offsetMs = 0
  const clock = () => new Date(Date.now() + offsetMs)
  const replicas = await Promise.all(
    ['bench-a', 'bench-b'].map((id) => makeWorker(prefix, id, endpoints, document, clock)),
  )
  const started = performance.now()
  const summaries = await Promise.all(replicas.map(({ worker }) => worker.dispatchOnce()))
  const elapsedMs = performance.now() - started
  offsetMs = 61_000
  const reconciled = await Promise.all(replicas.map(({ worker }) => worker.reconcileOnce()))
  await Promise.all(replicas.map(({ worker }) => worker.stop()))

  const checker = createBatchClient({
    region: REGION,
    endpoint: endpoints.batch,
    credentials: CREDENTIALS,
  })
  const jobsPerName = new Map()
  let nextToken
  do {
    const page = await checker.send(
      new ListJobsCommand({
        jobQueue: DISPATCH_QUEUE.jobQueue,
        filters: [{ name: 'JOB_NAME', values: ['trainplane-*'] }],
        ...(nextToken && { nextToken }),
      }),
    )
    for (const job of page.jobSummaryList ?? []) {
      jobsPerName.set(job.jobName, (jobsPerName.get(job.jobName) ?? 0) + 1)
    }
    nextToken = page.nextToken
  } while (nextToken)
  checker.destroy()

  const dispatchedNames = runIds.map((runId) => `trainplane-${runId}`)
  const withoutOneJob = runIds.filter((runId) => jobsPerName.get(`trainplane-${runId}`) !== 1)
  const unexpected = await Promise.all(
    withoutOneJob.slice(0, 5).map((runId) => runs.get(runId, { consistent: true })),
  )
  return {
    outcomes: summaries.map((summary) => summary.outcomes),
    reconciled: reconciled.map((summary) => summary.outcomes),
    unexpected: unexpected.map((run) => ({
      runId: run?.runId,
      status: run?.status,
      jobId: run?.jobId,
      history: run?.history.map(
        (entry) => `${entry.status}${entry.reason ? ` (${entry.reason})` : ''}`,
      ),
      endDetail: run?.endDetail,
    })),
    runs: size,
    submitJobCalls: replicas.reduce(
      (sum, { counts }) => sum + (counts.get('SubmitJobCommand') ?? 0),
      0,
    ),
    submittedByReplica: summaries.map((summary) => summary.outcomes.submitted),
    runsWithOneJob: dispatchedNames.filter((name) => jobsPerName.get(name) === 1).length,
    runsWithSeveralJobs: dispatchedNames.filter((name) => (jobsPerName.get(name) ?? 0) > 1).length,
    seconds: elapsedMs / 1000,
    msPerRun: elapsedMs / size,
    runsPerSecond: size / (elapsedMs / 1000),
  }
}

async function main() {
  const dynamoDb = await startDynamoDbLocal()
  const batchLocal = await startBatchLocal({
    stepDelayMs: 20,
    logger: createLogger({ name: 'batch-local', level: 'silent' }),
  })
  const { client, document } = createDynamoDbClients({
    region: REGION,
    endpoint: dynamoDb.endpoint,
    credentials: CREDENTIALS,
  })
  const endpoints = { dynamoDb: dynamoDb.endpoint, batch: batchLocal.endpoint }
  // DynamoDB Local is a child process, which an interrupted run must not leave behind.
  const stopOnSignal = async () => {
    await batchLocal.close()
    await dynamoDb.stop()
    process.exit(130)
  }
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)

  try {
    const setup = createBatchClient({
      region: REGION,
      endpoint: batchLocal.endpoint,
      credentials: CREDENTIALS,
    })
    await defineQueue(setup)
    setup.destroy()

    const load = loadavg()
      .map((value) => value.toFixed(1))
      .join(', ')
    console.log(
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node.js ${process.version}, load average ${load}`,
    )
    console.log('\nmonitor: cycles over RUNNABLE runs held on a zero-capacity queue')
    for (const result of await benchMonitor(endpoints, client, document)) {
      console.log(
        `  ${result.runs} runs: ${result.describeJobsCalls} DescribeJobs calls a cycle ` +
          `(ceil(n/100) = ${result.expectedCalls}), ${result.followed} followed, ${result.changes} changes, ` +
          `median of ${MONITOR_ROUNDS} cycles ${result.medianSeconds.toFixed(2)} s, ` +
          `${result.medianMsPerRun.toFixed(3)} ms per run`,
      )
    }

    console.log(
      `\ndispatch: ${DISPATCH_RUNS} QUEUED runs, two replicas at once, SUBMIT_RATE_PER_SECOND=40`,
    )
    const dispatch = await benchDispatch(endpoints, client, document, DISPATCH_RUNS)
    console.log(
      `  dispatch cycle: ${dispatch.submittedByReplica.join(' + ')} runs submitted by the two replicas, ` +
        `${dispatch.seconds.toFixed(1)} s, ${dispatch.msPerRun.toFixed(1)} ms per run, ${dispatch.runsPerSecond.toFixed(1)} runs/s`,
    )
    console.log(
      `  after reconciliation: ${dispatch.submitJobCalls} SubmitJob calls in all, ` +
        `${dispatch.runsWithOneJob} runs with exactly one job, ${dispatch.runsWithSeveralJobs} with more`,
    )
    console.log(`  dispatch outcomes by replica: ${JSON.stringify(dispatch.outcomes)}`)
    console.log(`  then reconciliation by replica: ${JSON.stringify(dispatch.reconciled)}`)
    for (const run of dispatch.unexpected) {
      console.log(`  run without exactly one job: ${JSON.stringify(run)}`)
    }
  } finally {
    client.destroy()
    await batchLocal.close()
    await dynamoDb.stop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
