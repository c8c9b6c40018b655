import {
  type BatchClient,
  type ContainerProperties,
  DescribeJobDefinitionsCommand,
  type JobDefinition,
} from '@aws-sdk/client-batch'
import type { Queue, QueueCatalog } from '@trainplane/shared'
import { JobDefinitionMismatchError } from '../errors.js'
import type { JobType } from './submit-request.js'

/** Job type of each catalog queue's job definition, by queue name. */
export type QueueJobTypes = ReadonlyMap<string, JobType>

/** `name`, `name:revision`, or an ARN ending in `job-definition/name[:revision]`. */
function parseReference(reference: string): { name: string; revision?: number } {
  const resource = reference.startsWith('arn:')
    ? reference.slice(reference.indexOf('job-definition/') + 'job-definition/'.length)
    : reference
  const [name = '', revision] = resource.split(':')
  return revision === undefined ? { name } : { name, revision: Number(revision) }
}

async function describeDefinition(
  batch: BatchClient,
  reference: string,
): Promise<JobDefinition | undefined> {
  const { name, revision } = parseReference(reference)
  let latest: JobDefinition | undefined
  let nextToken: string | undefined

  // Without a revision, SubmitJob takes the latest ACTIVE one (AWS Batch API reference,
  // SubmitJob.jobDefinition), so the check must look at the same revision.
  do {
    const page = await batch.send(
      new DescribeJobDefinitionsCommand({
        jobDefinitionName: name,
        status: 'ACTIVE',
        ...(nextToken !== undefined && { nextToken }),
      }),
    )
    for (const definition of page.jobDefinitions ?? []) {
      if (revision !== undefined && definition.revision !== revision) continue
      if (!latest || (definition.revision ?? 0) > (latest.revision ?? 0)) {
        latest = definition
      }
    }
    nextToken = page.nextToken
  } while (nextToken)

  return latest
}

function checkSharedMemory(
  queue: Queue,
  container: ContainerProperties | undefined,
  where: string,
): void {
  const size = container?.linuxParameters?.sharedMemorySize
  if (size === undefined || size < queue.sharedMemoryMiB) {
    throw new JobDefinitionMismatchError(
      queue.name,
      queue.jobDefinition,
      `gives ${where} a /dev/shm of ${size ?? 'the default 64'} MiB; set linuxParameters.sharedMemorySize to at least ${queue.sharedMemoryMiB}, the catalog's sharedMemoryMiB`,
    )
  }
}

function checkMultiNode(queue: Queue, definition: JobDefinition): void {
  if (queue.spot) {
    throw new JobDefinitionMismatchError(
      queue.name,
      queue.jobDefinition,
      'is multi-node, which Batch cannot run on Spot; use a container job definition or set spot to false',
    )
  }

  const properties = definition.nodeProperties
  if (properties?.mainNode !== 0) {
    throw new JobDefinitionMismatchError(
      queue.name,
      queue.jobDefinition,
      `has main node ${properties?.mainNode}; the worker's overrides and failure attribution expect node 0`,
    )
  }

  for (const range of properties.nodeRangeProperties ?? []) {
    // A closed range such as 0:3 makes Batch reject any run with fewer nodes than it names.
    if (!range.targetNodes?.endsWith(':')) {
      throw new JobDefinitionMismatchError(
        queue.name,
        queue.jobDefinition,
        `has node range ${range.targetNodes}; use open ranges such as 0: so any node count up to maxNodes is accepted`,
      )
    }
    checkSharedMemory(queue, range.container, `node range ${range.targetNodes}`)
  }
}

function checkContainer(queue: Queue, definition: JobDefinition): void {
  if (queue.maxNodes > 1) {
    throw new JobDefinitionMismatchError(
      queue.name,
      queue.jobDefinition,
      `is a container job definition, but the queue allows ${queue.maxNodes} nodes; use a multi-node job definition or set maxNodes to 1`,
    )
  }
  checkSharedMemory(queue, definition.containerProperties, 'the container')
}

/**
 * Looks up every queue's job definition once, at start, and checks it can run what the catalog
 * promises: the job type, main node 0, open node ranges, and a `/dev/shm` at least as large as
 * the catalog's `sharedMemoryMiB`.
 *
 * NOTE: the result is kept for the life of the process; a new job definition revision with
 * another type needs a worker restart.
 *
 * @throws JobDefinitionMismatchError naming the queue and what to change
 */
export async function inspectJobDefinitions(
  batch: BatchClient,
  catalog: QueueCatalog,
): Promise<QueueJobTypes> {
  const types = new Map<string, JobType>()

  for (const queue of catalog.queues) {
    const definition = await describeDefinition(batch, queue.jobDefinition)
    if (!definition) {
      throw new JobDefinitionMismatchError(
        queue.name,
        queue.jobDefinition,
        'was not found as an ACTIVE job definition; register it or fix the catalog',
      )
    }

    if (definition.type === 'multinode') {
      checkMultiNode(queue, definition)
      types.set(queue.name, 'multinode')
    } else if (definition.type === 'container') {
      checkContainer(queue, definition)
      types.set(queue.name, 'container')
    } else {
      throw new JobDefinitionMismatchError(
        queue.name,
        queue.jobDefinition,
        `has type ${definition.type}; the worker submits container and multinode jobs only`,
      )
    }
  }

  return types
}
