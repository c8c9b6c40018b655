import type { ComputeEnvironmentOrder, JobStateTimeLimitAction } from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import { jobQueueArn } from '../model/arns.js'
import { validateCapacityTag } from '../model/queue-capacity.js'
import type { JobQueueRecord } from '../model/records.js'
import type { BatchState } from '../state/batch-state.js'
import {
  type JsonObject,
  optionalArray,
  optionalInteger,
  optionalString,
  optionalStringArray,
  requireInteger,
  requireString,
} from '../validation/input.js'
import { readTags, validateResourceName } from '../validation/names.js'
import { paginate } from './pagination.js'

// Batch API reference: queue priority is 0 to 1000, DescribeJobQueues takes up to 100 queues.
const MAX_PRIORITY = 1000
const MAX_DESCRIBE_QUEUES = 100

/**
 * Creates a job queue. Compute environments are recorded but not checked, because batch-local
 * has none: the `batch-local:capacity` tag sets how many nodes the queue runs at once.
 *
 * jobStateTimeLimitActions are stored and returned but never applied.
 */
export function createJobQueue(state: BatchState, request: JsonObject) {
  const name = requireString(request.jobQueueName, 'jobQueueName')
  validateResourceName('jobQueueName', name)
  const arn = jobQueueArn(state.scope, name)
  if (state.jobQueues.has(arn)) {
    throw new ClientException(`Object already exists: job queue ${name}.`)
  }

  const tags = readTags(request.tags)
  validateCapacityTag(tags)
  const queue: JobQueueRecord = {
    jobQueueName: name,
    jobQueueArn: arn,
    state: readQueueState(request.state) ?? 'ENABLED',
    schedulingPolicyArn: readSchedulingPolicyArn(state, request.schedulingPolicyArn),
    status: 'VALID',
    statusReason: 'JobQueue Healthy',
    priority: requireInteger(request.priority, 'priority', { min: 0, max: MAX_PRIORITY }),
    computeEnvironmentOrder: (optionalArray(
      request.computeEnvironmentOrder,
      'computeEnvironmentOrder',
    ) ?? []) as ComputeEnvironmentOrder[],
    jobQueueType: 'ECS',
    tags,
    jobStateTimeLimitActions: (optionalArray(
      request.jobStateTimeLimitActions,
      'jobStateTimeLimitActions',
    ) ?? []) as JobStateTimeLimitAction[],
  }

  state.jobQueues.set(arn, queue)
  state.markChanged()
  return { jobQueueName: name, jobQueueArn: arn }
}

function readQueueState(value: unknown): 'ENABLED' | 'DISABLED' | undefined {
  const queueState = optionalString(value, 'state')
  if (queueState !== undefined && queueState !== 'ENABLED' && queueState !== 'DISABLED') {
    throw new ClientException(
      `state must be ENABLED or DISABLED (got ${JSON.stringify(queueState)}).`,
    )
  }
  return queueState
}

function readSchedulingPolicyArn(state: BatchState, value: unknown): string | undefined {
  const arn = optionalString(value, 'schedulingPolicyArn')
  if (arn !== undefined && !state.schedulingPolicies.has(arn)) {
    throw new ClientException(
      `Scheduling policy ${arn} not found. Create it with CreateSchedulingPolicy first.`,
    )
  }
  return arn
}

export function describeJobQueues(state: BatchState, request: JsonObject) {
  const references = optionalStringArray(request.jobQueues, 'jobQueues')
  if (references !== undefined && references.length > MAX_DESCRIBE_QUEUES) {
    throw new ClientException(
      `jobQueues can list at most ${MAX_DESCRIBE_QUEUES} job queues (got ${references.length}).`,
    )
  }

  let queues = [...state.jobQueues.values()]
  if (references !== undefined && references.length > 0) {
    queues = references
      .map((reference) => state.findJobQueue(reference))
      .filter((queue): queue is JobQueueRecord => queue !== undefined)
  }
  const page = paginate(queues, request.maxResults, request.nextToken, MAX_DESCRIBE_QUEUES)
  return { jobQueues: page.items, nextToken: page.nextToken }
}

/**
 * Updates a queue's state, priority or scheduling policy. As on Batch, a fair-share policy can
 * be replaced but not added to a FIFO queue.
 */
export function updateJobQueue(state: BatchState, request: JsonObject) {
  const reference = requireString(request.jobQueue, 'jobQueue')
  const queue = state.findJobQueue(reference)
  if (queue === undefined) {
    throw new ClientException(`Job queue ${reference} not found.`)
  }

  const queueState = readQueueState(request.state)
  const priority = optionalInteger(request.priority, 'priority', { min: 0, max: MAX_PRIORITY })
  const policyArn = readSchedulingPolicyArn(state, request.schedulingPolicyArn)
  if (policyArn !== undefined && queue.schedulingPolicyArn === undefined) {
    throw new ClientException(
      `Job queue ${queue.jobQueueName} has no scheduling policy, and a FIFO queue cannot get one. Create a new queue instead.`,
    )
  }

  queue.state = queueState ?? queue.state
  queue.priority = priority ?? queue.priority
  queue.schedulingPolicyArn = policyArn ?? queue.schedulingPolicyArn
  state.markChanged()
  return { jobQueueName: queue.jobQueueName, jobQueueArn: queue.jobQueueArn }
}
