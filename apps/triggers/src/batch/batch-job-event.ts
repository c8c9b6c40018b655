import type { BatchAttemptView, BatchJobView } from '@trainplane/shared'
import { InvalidBatchEventError } from '../errors.js'

/** EventBridge `source` and `detail-type` of job state changes (AWS Batch user guide, "Job state change events"). */
export const BATCH_EVENT_SOURCE = 'aws.batch'
export const BATCH_JOB_STATE_CHANGE = 'Batch Job State Change'

/** Tag the worker puts on every job it submits, naming the run. */
export const RUN_ID_TAG = 'runId'

/**
 * The parts of a "Batch Job State Change" event that the platform uses. The event's `detail` is
 * the whole job, environment variables included, and nothing else of it is kept, so nothing
 * else can reach a log.
 */
export interface BatchJobEvent {
  /** EventBridge event id, for logs. */
  eventId?: string
  jobId: string
  jobName?: string
  /** Value of the job's `runId` tag. */
  runIdTag?: string
  /**
   * Whether the event is about one node of a multi-node parallel job (`jobId#N`) rather than
   * the job itself. Batch sends both kinds.
   */
  isNodeEvent: boolean
  nodeIndex?: number
  job: BatchJobView
}

type Fields = Record<string, unknown>

function isFields(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function text(fields: Fields, name: string): string | undefined {
  const value = fields[name]
  return typeof value === 'string' ? value : undefined
}

function numeric(fields: Fields, name: string): number | undefined {
  const value = fields[name]
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function containerOf(value: unknown): BatchJobView['container'] | undefined {
  if (!isFields(value)) return undefined

  const exitCode = numeric(value, 'exitCode')
  const reason = text(value, 'reason')
  const logStreamName = text(value, 'logStreamName')
  return {
    ...(exitCode !== undefined && { exitCode }),
    ...(reason !== undefined && { reason }),
    ...(logStreamName !== undefined && { logStreamName }),
  }
}

function attemptOf(value: unknown): BatchAttemptView {
  if (!isFields(value)) return {}

  const container = containerOf(value.container)
  const startedAt = numeric(value, 'startedAt')
  const stoppedAt = numeric(value, 'stoppedAt')
  const statusReason = text(value, 'statusReason')
  return {
    ...(container && { container }),
    ...(startedAt !== undefined && { startedAt }),
    ...(stoppedAt !== undefined && { stoppedAt }),
    ...(statusReason !== undefined && { statusReason }),
  }
}

/**
 * Tells a node's event from the job's. A node's job id is the parent's id, `#` and the node
 * index (AWS Batch user guide, "Multi-node parallel jobs"), and its detail has `nodeDetails`.
 */
function nodeOf(detail: Fields, jobId: string): Pick<BatchJobEvent, 'isNodeEvent' | 'nodeIndex'> {
  const nodeDetails = isFields(detail.nodeDetails) ? detail.nodeDetails : undefined
  const hash = jobId.lastIndexOf('#')
  if (!nodeDetails && hash === -1) {
    return { isNodeEvent: false }
  }

  const fromDetails = nodeDetails ? numeric(nodeDetails, 'nodeIndex') : undefined
  const fromId = hash === -1 ? Number.NaN : Number(jobId.slice(hash + 1))
  const nodeIndex = fromDetails ?? (Number.isInteger(fromId) ? fromId : undefined)
  return { isNodeEvent: true, ...(nodeIndex !== undefined && { nodeIndex }) }
}

/**
 * Reads an EventBridge "Batch Job State Change" event. Unknown fields are ignored and fields
 * of the wrong type are left out, so a change in Batch's event shape cannot stop status
 * tracking.
 *
 * @throws InvalidBatchEventError for an event of another source or type, or without a job id
 */
export function parseBatchJobEvent(event: unknown): BatchJobEvent {
  if (!isFields(event)) {
    throw new InvalidBatchEventError('event', 'expected a JSON object')
  }
  if (event.source !== BATCH_EVENT_SOURCE) {
    throw new InvalidBatchEventError('source', `expected "${BATCH_EVENT_SOURCE}"`)
  }
  if (event['detail-type'] !== BATCH_JOB_STATE_CHANGE) {
    throw new InvalidBatchEventError('detail-type', `expected "${BATCH_JOB_STATE_CHANGE}"`)
  }

  const detail = event.detail
  if (!isFields(detail)) {
    throw new InvalidBatchEventError('detail', 'expected the job as a JSON object')
  }
  const jobId = text(detail, 'jobId')
  if (!jobId) {
    throw new InvalidBatchEventError('detail.jobId', 'expected the Batch job id')
  }

  const status = text(detail, 'status')
  const statusReason = text(detail, 'statusReason')
  const container = containerOf(detail.container)
  const attempts = Array.isArray(detail.attempts) ? detail.attempts.map(attemptOf) : undefined
  const createdAt = numeric(detail, 'createdAt')
  const startedAt = numeric(detail, 'startedAt')
  const stoppedAt = numeric(detail, 'stoppedAt')
  const job: BatchJobView = {
    jobId,
    ...(status !== undefined && { status }),
    ...(statusReason !== undefined && { statusReason }),
    ...(attempts && { attempts }),
    ...(container && { container }),
    ...(createdAt !== undefined && { createdAt }),
    ...(startedAt !== undefined && { startedAt }),
    ...(stoppedAt !== undefined && { stoppedAt }),
  }

  const eventId = text(event, 'id')
  const jobName = text(detail, 'jobName')
  const runIdTag = isFields(detail.tags) ? text(detail.tags, RUN_ID_TAG) : undefined
  return {
    jobId,
    job,
    ...nodeOf(detail, jobId),
    ...(eventId !== undefined && { eventId }),
    ...(jobName !== undefined && { jobName }),
    ...(runIdTag !== undefined && { runIdTag }),
  }
}
