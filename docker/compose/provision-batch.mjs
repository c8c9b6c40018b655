// @ts-check
import {
  CreateJobQueueCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  RegisterJobDefinitionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-batch'
import {
  CAPACITY_TAG,
  LOCAL_IMAGE_PREFIX,
  LOCAL_JOB_DEFINITION,
  LOCAL_JOB_QUEUE,
  LOCAL_QUEUE_CAPACITY,
  TRAINER_COMMAND,
  TRAINER_ENVIRONMENT,
} from './local-queue.mjs'

/**
 * Registers the trainer's job definition and creates the local queue in batch-local, unless
 * batch-local kept them from an earlier run, and sets the queue's node capacity.
 *
 * @param {import('@aws-sdk/client-batch').BatchClient} batch
 * @returns {Promise<{ definitionRegistered: boolean, queueCreated: boolean }>}
 */
export async function provisionBatch(batch) {
  const definitions = await batch.send(
    new DescribeJobDefinitionsCommand({
      jobDefinitionName: LOCAL_JOB_DEFINITION,
      status: 'ACTIVE',
    }),
  )
  const definitionRegistered = (definitions.jobDefinitions ?? []).length === 0
  if (definitionRegistered) {
    await batch.send(new RegisterJobDefinitionCommand(trainerJobDefinition()))
  }

  const queues = await batch.send(new DescribeJobQueuesCommand({ jobQueues: [LOCAL_JOB_QUEUE] }))
  const queue = queues.jobQueues?.[0]
  const capacity = { [CAPACITY_TAG]: String(LOCAL_QUEUE_CAPACITY) }
  if (!queue) {
    await batch.send(
      new CreateJobQueueCommand({
        jobQueueName: LOCAL_JOB_QUEUE,
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local-cpu' }],
        tags: capacity,
      }),
    )
  } else if (queue.jobQueueArn) {
    await batch.send(new TagResourceCommand({ resourceArn: queue.jobQueueArn, tags: capacity }))
  }

  return { definitionRegistered, queueCreated: !queue }
}

/**
 * Builds the trainer's multi-node job definition: one node range for every node, the trainer
 * command, and the resources the catalog's queue promises each node.
 *
 * @returns {import('@aws-sdk/client-batch').RegisterJobDefinitionCommandInput}
 */
export function trainerJobDefinition() {
  return {
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
            command: TRAINER_COMMAND,
            environment: Object.entries(TRAINER_ENVIRONMENT).map(([name, value]) => ({
              name,
              value,
            })),
            resourceRequirements: [
              { type: 'VCPU', value: '1' },
              { type: 'MEMORY', value: '2048' },
            ],
          },
        },
      ],
    },
  }
}
