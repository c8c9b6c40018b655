import t from 'tap'
import { buildSubmitJobRequest } from '../src/batch/submit-request.js'
import { SubmissionRejectedError } from '../src/errors.js'
import { FIXED_RUN_ID, GPU_QUEUE, runRecord, SPOT_QUEUE } from './helpers/fixtures.js'

const RUN_TOKEN = 'rt1.payload.signature'
const REPORT_URL = 'http://api.internal:8080'

const EXPECTED_RETRY_STRATEGY = {
  attempts: 3,
  evaluateOnExit: [
    { onStatusReason: 'Host EC2*', action: 'RETRY' },
    { onExitCode: '*', action: 'EXIT' },
    { onReason: '*', action: 'EXIT' },
  ],
}

t.test('multi-node request is pinned', async (t) => {
  const run = runRecord(
    {
      name: 'llama fine-tune',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1.4',
      command: ['python', '-m', 'train', '--epochs', '3'],
      nodes: 4,
      gpusPerNode: 8,
      queue: 'gpu-a100',
      environment: { WANDB_MODE: 'offline', DATA_DIR: '/fsx/data' },
      hyperparameters: { lr: 0.0003, batchSize: 64, mixedPrecision: true },
      timeoutSeconds: 36_000,
      retryAttempts: 3,
      tags: { project: 'llm', costCenter: 'research-42' },
    },
    { shareIdentifier: 'teamvision' },
  )

  const request = buildSubmitJobRequest({
    run,
    queue: GPU_QUEUE,
    jobType: 'multinode',
    runToken: RUN_TOKEN,
    runReportUrl: REPORT_URL,
  })

  t.strictSame(request, {
    jobName: `trainplane-${FIXED_RUN_ID}`,
    jobQueue: 'trainplane-gpu-a100',
    jobDefinition: 'trainplane-mnp',
    shareIdentifier: 'teamvision',
    nodeOverrides: {
      numNodes: 4,
      nodePropertyOverrides: [
        {
          targetNodes: '0:',
          containerOverrides: {
            command: ['python', '-m', 'train', '--epochs', '3'],
            environment: [
              { name: 'DATA_DIR', value: '/fsx/data' },
              { name: 'MASTER_PORT', value: '29500' },
              { name: 'RUN_GPUS_PER_NODE', value: '8' },
              {
                name: 'RUN_HYPERPARAMETERS',
                value: '{"lr":0.0003,"batchSize":64,"mixedPrecision":true}',
              },
              { name: 'RUN_ID', value: FIXED_RUN_ID },
              { name: 'RUN_REPORT_URL', value: REPORT_URL },
              { name: 'RUN_TOKEN', value: RUN_TOKEN },
              { name: 'WANDB_MODE', value: 'offline' },
            ],
            resourceRequirements: [
              { type: 'VCPU', value: '92' },
              { type: 'MEMORY', value: '1100000' },
              { type: 'GPU', value: '8' },
            ],
          },
        },
      ],
    },
    retryStrategy: EXPECTED_RETRY_STRATEGY,
    timeout: { attemptDurationSeconds: 36_000 },
    tags: {
      project: 'llm',
      costCenter: 'research-42',
      runId: FIXED_RUN_ID,
      userId: 'f3b0c9d2-1111-4a7e-9c1d-2b3c4d5e6f70',
      queue: 'gpu-a100',
    },
    propagateTags: true,
  })
})

t.test('single-node container request is pinned', async (t) => {
  const run = runRecord({
    image: 'public.ecr.aws/trainplane/trainer:1.4',
    command: ['python', 'train.py'],
    nodes: 1,
    gpusPerNode: 1,
    queue: 'gpu-spot',
    timeoutSeconds: 3600,
  })

  const request = buildSubmitJobRequest({
    run,
    queue: SPOT_QUEUE,
    jobType: 'container',
    runToken: RUN_TOKEN,
    runReportUrl: REPORT_URL,
  })

  t.strictSame(request, {
    jobName: `trainplane-${FIXED_RUN_ID}`,
    jobQueue: 'trainplane-gpu-spot',
    jobDefinition: 'trainplane-single:3',
    containerOverrides: {
      command: ['python', 'train.py'],
      environment: [
        { name: 'MASTER_PORT', value: '29500' },
        { name: 'RUN_GPUS_PER_NODE', value: '1' },
        { name: 'RUN_HYPERPARAMETERS', value: '{}' },
        { name: 'RUN_ID', value: FIXED_RUN_ID },
        { name: 'RUN_REPORT_URL', value: REPORT_URL },
        { name: 'RUN_TOKEN', value: RUN_TOKEN },
      ],
      resourceRequirements: [
        { type: 'VCPU', value: '4' },
        { type: 'MEMORY', value: '15000' },
        { type: 'GPU', value: '1' },
      ],
    },
    retryStrategy: { ...EXPECTED_RETRY_STRATEGY, attempts: 1 },
    timeout: { attemptDurationSeconds: 3600 },
    tags: {
      runId: FIXED_RUN_ID,
      userId: 'f3b0c9d2-1111-4a7e-9c1d-2b3c4d5e6f70',
      queue: 'gpu-spot',
    },
    propagateTags: true,
  })
})

t.test('one node on a multi-node queue is a one-node parallel job', async (t) => {
  const run = runRecord(
    {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1.4',
      command: ['python', 'train.py'],
      nodes: 1,
      gpusPerNode: 0,
      queue: 'gpu-a100',
      timeoutSeconds: 600,
    },
    { shareIdentifier: 'teamvision' },
  )

  const request = buildSubmitJobRequest({
    run,
    queue: GPU_QUEUE,
    jobType: 'multinode',
    runToken: RUN_TOKEN,
    runReportUrl: REPORT_URL,
  })

  t.equal(request.nodeOverrides?.numNodes, 1)
  t.equal(request.containerOverrides, undefined)
  t.strictSame(
    request.nodeOverrides?.nodePropertyOverrides?.[0]?.containerOverrides?.resourceRequirements,
    [
      { type: 'VCPU', value: '92' },
      { type: 'MEMORY', value: '1100000' },
    ],
    'a CPU-only run asks for no GPU',
  )
})

t.test('platform tags win over user tags of the same key', async (t) => {
  const run = runRecord(
    {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1.4',
      command: ['true'],
      nodes: 2,
      gpusPerNode: 8,
      queue: 'gpu-a100',
      timeoutSeconds: 600,
      tags: { runId: 'run-someone-else' },
    },
    { shareIdentifier: 'teamvision' },
  )

  const request = buildSubmitJobRequest({
    run,
    queue: GPU_QUEUE,
    jobType: 'multinode',
    runToken: RUN_TOKEN,
    runReportUrl: REPORT_URL,
  })

  t.equal(request.tags?.runId, FIXED_RUN_ID)
})

t.test('fair-share queue without share identifier is rejected', async (t) => {
  const run = runRecord({
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1.4',
    command: ['true'],
    nodes: 2,
    gpusPerNode: 8,
    queue: 'gpu-a100',
    timeoutSeconds: 600,
  })

  const build = () =>
    buildSubmitJobRequest({
      run,
      queue: GPU_QUEUE,
      jobType: 'multinode',
      runToken: RUN_TOKEN,
      runReportUrl: REPORT_URL,
    })

  t.throws(build, SubmissionRejectedError)
  t.throws(build, { code: 'WORKER_SHARE_IDENTIFIER_MISSING', message: /fair-share policy/ })
})

t.test('run that no longer fits its queue is rejected', async (t) => {
  const run = runRecord(
    {
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1.4',
      command: ['true'],
      nodes: 16,
      gpusPerNode: 8,
      queue: 'gpu-a100',
      timeoutSeconds: 600,
    },
    { shareIdentifier: 'teamvision' },
  )

  t.throws(
    () =>
      buildSubmitJobRequest({
        run,
        queue: GPU_QUEUE,
        jobType: 'multinode',
        runToken: RUN_TOKEN,
        runReportUrl: REPORT_URL,
      }),
    { code: 'WORKER_RUN_INVALID_FOR_QUEUE', message: /at most 8 nodes; 16 requested/ },
  )
})

t.test('several nodes on a container queue are rejected', async (t) => {
  const run = runRecord({
    image: 'public.ecr.aws/trainplane/trainer:1.4',
    command: ['true'],
    nodes: 2,
    gpusPerNode: 1,
    queue: 'gpu-spot',
    timeoutSeconds: 600,
  })

  t.throws(
    () =>
      buildSubmitJobRequest({
        run,
        queue: { ...SPOT_QUEUE, maxNodes: 4, spot: false },
        jobType: 'container',
        runToken: RUN_TOKEN,
        runReportUrl: REPORT_URL,
      }),
    { code: 'WORKER_RUN_INVALID_FOR_QUEUE', message: /single-node container jobs; 2 nodes/ },
  )
})

t.test('request over 30 KiB is rejected', async (t) => {
  const long = 'x'.repeat(4000)
  const run = runRecord({
    image: 'public.ecr.aws/trainplane/trainer:1.4',
    command: ['true'],
    nodes: 1,
    gpusPerNode: 1,
    queue: 'gpu-spot',
    timeoutSeconds: 600,
    environment: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`VAR_${i}`, long])),
  })

  t.throws(
    () =>
      buildSubmitJobRequest({
        run,
        queue: SPOT_QUEUE,
        jobType: 'container',
        runToken: RUN_TOKEN,
        runReportUrl: REPORT_URL,
      }),
    { code: 'WORKER_SUBMISSION_REJECTED', message: /over Batch's limit of 30720/ },
  )
})
