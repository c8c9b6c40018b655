import { randomUUID } from 'node:crypto'
import { ClientException } from '../api/errors.js'
import { resolveContainerJob, resolveMultiNodeJob } from '../jobs/resolve-containers.js'
import { jobArn } from '../model/arns.js'
import type { JobDefinitionRecord, JobQueueRecord, JobRecord } from '../model/records.js'
import type { JobScheduler } from '../scheduler/job-scheduler.js'
import type { BatchState } from '../state/batch-state.js'
import {
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalString,
  optionalStringMap,
  requireString,
} from '../validation/input.js'
import { readTags, validateJobName, validateShareIdentifier } from '../validation/names.js'
import { readRetryStrategy } from '../validation/retry-strategy.js'
import { readTimeout } from '../validation/timeout.js'

const MAX_SCHEDULING_PRIORITY = 9999

/** Request members of SubmitJob that batch-local rejects instead of ignoring. */
const UNSUPPORTED_MEMBERS = [
  'arrayProperties',
  'eksPropertiesOverride',
  'ecsPropertiesOverride',
  'consumableResourcePropertiesOverride',
]

export function submitJob(state: BatchState, scheduler: JobScheduler, request: JsonObject) {
  const jobName = requireString(request.jobName, 'jobName')
  validateJobName(jobName)
  const queue = findEnabledQueue(state, requireString(request.jobQueue, 'jobQueue'))
  const definition = findActiveDefinition(
    state,
    requireString(request.jobDefinition, 'jobDefinition'),
  )
  const shareIdentifier = readShareIdentifier(request.shareIdentifier, queue)
  rejectUnsupportedMembers(request)

  const parameters = {
    ...definition.parameters,
    ...optionalStringMap(request.parameters, 'parameters'),
  }
  const resolved = resolveNodes(definition, request, parameters)
  const jobId = randomUUID()
  const job: JobRecord = {
    jobId,
    jobArn: jobArn(state.scope, jobId),
    jobName,
    jobQueueArn: queue.jobQueueArn,
    jobQueueName: queue.jobQueueName,
    jobDefinitionArn: definition.jobDefinitionArn,
    jobDefinitionName: definition.jobDefinitionName,
    type: definition.type === 'multinode' ? 'multinode' : 'container',
    status: 'SUBMITTED',
    createdAt: Date.now(),
    shareIdentifier,
    schedulingPriority:
      optionalInteger(request.schedulingPriorityOverride, 'schedulingPriorityOverride', {
        min: 0,
        max: MAX_SCHEDULING_PRIORITY,
      }) ?? definition.schedulingPriority,
    retryStrategy:
      readRetryStrategy(request.retryStrategy, 'retryStrategy') ?? definition.retryStrategy,
    timeout: readTimeout(request.timeout, 'timeout') ?? definition.timeout,
    parameters,
    tags: readTags(request.tags),
    propagateTags:
      optionalBoolean(request.propagateTags, 'propagateTags') ?? definition.propagateTags,
    platformCapabilities: definition.platformCapabilities,
    nodeProperties: resolved.nodeProperties,
    mainNodeIndex: resolved.mainNodeIndex,
    nodes: resolved.containers.map((container, nodeIndex) => ({
      nodeIndex,
      status: 'SUBMITTED',
      container,
      attempts: [],
    })),
    attempts: [],
    attemptNumber: 1,
  }

  state.jobs.set(jobId, job)
  state.markChanged()
  scheduler.enqueue(job)
  return { jobArn: job.jobArn, jobName, jobId }
}

function findEnabledQueue(state: BatchState, reference: string): JobQueueRecord {
  const queue = state.findJobQueue(reference)
  if (queue === undefined) {
    throw new ClientException(`Job queue ${reference} not found.`)
  }
  if (queue.state !== 'ENABLED') {
    throw new ClientException(
      `Job queue ${queue.jobQueueName} is ${queue.state}. Enable it with UpdateJobQueue to submit jobs.`,
    )
  }
  return queue
}

function findActiveDefinition(state: BatchState, reference: string): JobDefinitionRecord {
  const definition = state.findJobDefinition(reference)
  if (definition === undefined) {
    throw new ClientException(`Job definition ${reference} not found.`)
  }
  if (definition.status !== 'ACTIVE') {
    throw new ClientException(
      `Job definition ${definition.jobDefinitionName}:${definition.revision} is INACTIVE. Register a new revision.`,
    )
  }
  return definition
}

/**
 * Batch API reference, SubmitJob.shareIdentifier: required when the queue has a fair-share
 * scheduling policy, and not allowed when it has none.
 */
function readShareIdentifier(value: unknown, queue: JobQueueRecord): string | undefined {
  const shareIdentifier = optionalString(value, 'shareIdentifier')
  const fairShare = queue.schedulingPolicyArn !== undefined
  if (fairShare && shareIdentifier === undefined) {
    throw new ClientException(
      `shareIdentifier must be specified: job queue ${queue.jobQueueName} has a fair-share scheduling policy.`,
    )
  }
  if (!fairShare && shareIdentifier !== undefined) {
    throw new ClientException(
      `shareIdentifier can't be specified: job queue ${queue.jobQueueName} has no fair-share scheduling policy.`,
    )
  }
  if (shareIdentifier !== undefined) {
    validateShareIdentifier(shareIdentifier)
  }
  return shareIdentifier
}

function rejectUnsupportedMembers(request: JsonObject): void {
  for (const member of UNSUPPORTED_MEMBERS) {
    if (request[member] !== undefined && request[member] !== null) {
      throw new ClientException(`${member} is not supported by batch-local.`)
    }
  }
  if (Array.isArray(request.dependsOn) && request.dependsOn.length > 0) {
    throw new ClientException(
      'dependsOn is not supported by batch-local. Submit jobs without dependencies.',
    )
  }
}

function resolveNodes(
  definition: JobDefinitionRecord,
  request: JsonObject,
  parameters: Record<string, string>,
) {
  if (definition.type === 'multinode') {
    if (request.containerOverrides !== undefined && request.containerOverrides !== null) {
      throw new ClientException(
        'containerOverrides cannot be used with a multinode job definition. Use nodeOverrides.nodePropertyOverrides.',
      )
    }
    return resolveMultiNodeJob(definition, request.nodeOverrides, parameters)
  }

  if (request.nodeOverrides !== undefined && request.nodeOverrides !== null) {
    throw new ClientException(
      'nodeOverrides can only be used with a multinode job definition. Use containerOverrides.',
    )
  }
  return resolveContainerJob(definition, request.containerOverrides, parameters)
}
