import {
  type BatchClient,
  CreateJobQueueCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  RegisterJobDefinitionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-batch'
import type { QueueCatalog } from '@trainplane/shared'

export const LOCAL_JOB_QUEUE = 'trainplane-local-cpu'
export const LOCAL_JOB_DEFINITION = 'trainplane-trainer'
export const LOCAL_QUEUE_NAME = 'local-cpu'
export const LOCAL_IMAGE_PREFIX = 'local/'
/** Nodes batch-local runs at once on the local queue; each node is a CPU process here. */
export const LOCAL_QUEUE_CAPACITY = 4
/** Size of /dev/shm for the trainer, in MiB; the catalog and the job definition must agree. */
const LOCAL_SHARED_MEMORY_MIB = 256
/** The batch-local tag that sets a queue's node capacity. */
const CAPACITY_TAG = 'batch-local:capacity'

export interface TrainerJob {
  /** The command every node runs, relative to the repository root. */
  command: string[]
  /** Variables every node gets from the job definition. */
  environment: Record<string, string>
}

/**
 * Registers the trainer's multi-node job definition and the local CPU queue in batch-local,
 * once. A restarted batch-local keeps them in its state folder.
 */
export async function provisionBatch(batch: BatchClient, trainer: TrainerJob): Promise<void> {
  const definitions = await batch.send(
    new DescribeJobDefinitionsCommand({
      jobDefinitionName: LOCAL_JOB_DEFINITION,
      status: 'ACTIVE',
    }),
  )
  if ((definitions.jobDefinitions ?? []).length === 0) {
    await batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: LOCAL_JOB_DEFINITION,
        type: 'multinode',
        nodeProperties: {
          numNodes: 1,
          mainNode: 0,
          nodeRangeProperties: [
            {
              targetNodes: '0:',
              container: {
                image: `${LOCAL_IMAGE_PREFIX}trainer:latest`,
                command: trainer.command,
                environment: Object.entries(trainer.environment).map(([name, value]) => ({
                  name,
                  value,
                })),
                resourceRequirements: [
                  { type: 'VCPU', value: '1' },
                  { type: 'MEMORY', value: '2048' },
                ],
                linuxParameters: { sharedMemorySize: LOCAL_SHARED_MEMORY_MIB },
              },
            },
          ],
        },
      }),
    )
  }

  const queues = await batch.send(new DescribeJobQueuesCommand({ jobQueues: [LOCAL_JOB_QUEUE] }))
  const queue = queues.jobQueues?.[0]
  if (!queue) {
    await batch.send(
      new CreateJobQueueCommand({
        jobQueueName: LOCAL_JOB_QUEUE,
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local-cpu' }],
        tags: { [CAPACITY_TAG]: String(LOCAL_QUEUE_CAPACITY) },
      }),
    )
  } else if (queue.jobQueueArn) {
    await batch.send(
      new TagResourceCommand({
        resourceArn: queue.jobQueueArn,
        tags: { [CAPACITY_TAG]: String(LOCAL_QUEUE_CAPACITY) },
      }),
    )
  }
}

/** The queue catalog of the local stack: one CPU queue on batch-local. */
export function localQueueCatalog(): QueueCatalog {
  return {
    queues: [
      {
        name: LOCAL_QUEUE_NAME,
        description: 'CPU processes on this machine, through batch-local',
        jobQueue: LOCAL_JOB_QUEUE,
        jobDefinition: LOCAL_JOB_DEFINITION,
        maxNodes: LOCAL_QUEUE_CAPACITY,
        gpusPerNode: 0,
        vcpusPerNode: 1,
        memoryMiBPerNode: 2048,
        sharedMemoryMiB: LOCAL_SHARED_MEMORY_MIB,
        spot: false,
        fairShare: false,
        maxRunnableSeconds: 600,
        maxTimeoutSeconds: 3600,
        pricePerGpuHour: 0,
        allowedImagePrefixes: [LOCAL_IMAGE_PREFIX],
      },
    ],
  }
}
