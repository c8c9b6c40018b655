import { fileURLToPath } from 'node:url'
import {
  type BatchClient,
  CreateJobQueueCommand,
  CreateSchedulingPolicyCommand,
  RegisterJobDefinitionCommand,
} from '@aws-sdk/client-batch'
import { type BatchLocal, CAPACITY_TAG, startBatchLocal } from '@trainplane/batch-local'
import type { Queue, QueueCatalog } from '@trainplane/shared'
import { pino } from 'pino'
import type { Test } from 'tap'
import { createBatchClient } from '../../src/clients.js'

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }
export const LOCAL_REGION = 'us-east-1'

/** The training-node stand-in; see fixtures/training-node.mjs for its arguments. */
export const TRAINING_NODE = fileURLToPath(
  new URL('../fixtures/training-node.mjs', import.meta.url),
)

/** Builds a command that runs the training-node stand-in with node's own binary. */
export function trainingCommand(mainExit: string, childExit = '0'): string[] {
  return [process.execPath, TRAINING_NODE, mainExit, childExit]
}

const SHARED_MEMORY_MIB = 2048

const baseQueue: Omit<Queue, 'name' | 'jobQueue' | 'jobDefinition' | 'maxNodes'> = {
  vcpusPerNode: 2,
  memoryMiBPerNode: 2048,
  sharedMemoryMiB: SHARED_MEMORY_MIB,
  gpusPerNode: 0,
  spot: false,
  fairShare: false,
  maxRunnableSeconds: 600,
  maxTimeoutSeconds: 86_400,
  pricePerGpuHour: 0,
  allowedImagePrefixes: ['local/'],
}

/** Queues the test Batch has: one that runs jobs, one with no capacity, one fair-share. */
export const TEST_QUEUES = {
  cpu: {
    ...baseQueue,
    name: 'cpu',
    jobQueue: 'trainplane-cpu',
    jobDefinition: 'trainplane-mnp',
    maxNodes: 4,
  },
  held: {
    ...baseQueue,
    name: 'held',
    jobQueue: 'trainplane-held',
    jobDefinition: 'trainplane-mnp',
    maxNodes: 4,
  },
  fair: {
    ...baseQueue,
    name: 'fair',
    jobQueue: 'trainplane-fair',
    jobDefinition: 'trainplane-mnp',
    maxNodes: 4,
    fairShare: true,
  },
  single: {
    ...baseQueue,
    name: 'single',
    jobQueue: 'trainplane-cpu',
    jobDefinition: 'trainplane-single',
    maxNodes: 1,
  },
} satisfies Record<string, Queue>

export const TEST_CATALOG: QueueCatalog = { queues: Object.values(TEST_QUEUES) }

export interface TestBatch {
  batchLocal: BatchLocal
  batch: BatchClient
}

const DEFINITION_CONTAINER = {
  image: 'local/trainer:1',
  command: ['true'],
  resourceRequirements: [
    { type: 'VCPU' as const, value: '2' },
    { type: 'MEMORY' as const, value: '2048' },
  ],
  linuxParameters: { sharedMemorySize: SHARED_MEMORY_MIB },
}

/** Registers the queues and job definitions of TEST_CATALOG on a running Batch API. */
export async function defineTestQueues(batch: BatchClient): Promise<void> {
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'trainplane-mnp',
      type: 'multinode',
      nodeProperties: {
        numNodes: 1,
        mainNode: 0,
        nodeRangeProperties: [{ targetNodes: '0:', container: DEFINITION_CONTAINER }],
      },
    }),
  )
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'trainplane-single',
      type: 'container',
      containerProperties: DEFINITION_CONTAINER,
    }),
  )

  const policy = await batch.send(
    new CreateSchedulingPolicyCommand({ name: 'teams', fairsharePolicy: { shareDecaySeconds: 0 } }),
  )
  const queues: Array<[string, Record<string, string>, string | undefined]> = [
    ['trainplane-cpu', {}, undefined],
    ['trainplane-held', { [CAPACITY_TAG]: '0' }, undefined],
    ['trainplane-fair', {}, policy.arn],
  ]
  for (const [jobQueueName, tags, schedulingPolicyArn] of queues) {
    await batch.send(
      new CreateJobQueueCommand({
        jobQueueName,
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }],
        tags,
        ...(schedulingPolicyArn !== undefined && { schedulingPolicyArn }),
      }),
    )
  }
}

/**
 * Starts batch-local on 127.0.0.1 with the test queues, and a Batch client for it; both are
 * stopped at teardown.
 */
export async function startTestBatch(
  t: Test,
  options: { timeScale?: number } = {},
): Promise<TestBatch> {
  const batchLocal = await startBatchLocal({
    stepDelayMs: 20,
    stopTimeoutMs: 500,
    ...(options.timeScale !== undefined && { timeScale: options.timeScale }),
    logger: pino({ level: 'silent' }),
  })
  // One attempt per call, so the same client can send SubmitJob too.
  const batch = createBatchClient({
    region: LOCAL_REGION,
    endpoint: batchLocal.endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  })
  t.teardown(async () => {
    batch.destroy()
    await batchLocal.close()
  })

  await defineTestQueues(batch)
  return { batchLocal, batch }
}
