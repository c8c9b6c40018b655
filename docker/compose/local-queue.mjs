// @ts-check
// The one queue of the compose stack: a batch-local queue whose nodes are CPU processes in the
// batch-local container. It has the same names, limits and job definition as the queue that
// `npm start` makes, so the same run files and CLI commands work on both.

/** The Batch job queue in batch-local. */
export const LOCAL_JOB_QUEUE = 'trainplane-local-cpu'

/** The multi-node job definition of the trainer. */
export const LOCAL_JOB_DEFINITION = 'trainplane-trainer'

/** The queue's name in the catalog, which users pick with `--queue`. */
export const LOCAL_QUEUE_NAME = 'local-cpu'

/** batch-local records the image of a run and runs its command without pulling anything. */
export const LOCAL_IMAGE_PREFIX = 'local/'

/** Nodes batch-local runs at once on the queue; each is a CPU process with one vCPU. */
export const LOCAL_QUEUE_CAPACITY = 4

/** The job queue tag that sets a queue's node capacity in batch-local. */
export const CAPACITY_TAG = 'batch-local:capacity'

/** The command of every node, run from the working directory of batch-local. */
export const TRAINER_COMMAND = [
  'bash',
  'docker/trainer/entrypoint.sh',
  '/usr/bin/python3',
  'examples/ddp-digits/train.py',
]

/**
 * Variables of every node. All nodes share the container's 127.0.0.1, and Batch gives the main
 * node no address of its own, so this variable gives the entrypoint the main node's address.
 */
export const TRAINER_ENVIRONMENT = { TRAINER_NODE_ADDRESS: '127.0.0.1' }

/**
 * Builds the queue catalog the API and the worker read from QUEUE_CATALOG_PATH.
 *
 * @returns {import('@trainplane/shared').QueueCatalog}
 */
export function localQueueCatalog() {
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
        sharedMemoryMiB: 256,
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
