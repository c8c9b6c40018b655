import type { EndReason, RunStatus, StatusPosition } from './run-status.js'

/**
 * The fields of a Batch job (DescribeJobs `jobs[]`, or an EventBridge "Batch Job State Change"
 * `detail`) that decide the platform's status. Both shapes carry them under the same names.
 */
export interface BatchJobView {
  jobId?: string
  status?: string
  statusReason?: string
  attempts?: BatchAttemptView[]
  container?: { exitCode?: number; reason?: string; logStreamName?: string }
  createdAt?: number
  startedAt?: number
  stoppedAt?: number
}

export interface BatchAttemptView {
  container?: { exitCode?: number; reason?: string; logStreamName?: string }
  startedAt?: number
  stoppedAt?: number
  statusReason?: string
}

/** One node of a multi-node job (DescribeJobs of `jobId#N`). */
export interface BatchNodeView {
  nodeIndex: number
  status?: string
  exitCode?: number
  stoppedAt?: number
}

/** What the platform asked for when it cancelled or terminated the job, if anything. */
export interface CancelIntent {
  kind: 'USER' | 'QUEUE_TIMEOUT'
}

export interface MappedBatchState extends StatusPosition {
  batchStatus: string
  statusReason?: string
  exitCode?: number
  endReason?: EndReason
  /** Human-readable detail of the end reason, such as the node and its exit code. */
  endDetail?: string
}

/**
 * Prefix of the reason the platform passes to CancelJob and TerminateJob. Batch copies that
 * reason into the job's `statusReason`, which is how a FAILED job is recognised as the
 * platform's own doing rather than a failure that happened first.
 */
export const PLATFORM_REASON_PREFIX = 'trainplane:'

/** Batch's `statusReason` when an attempt outlives `attemptDurationSeconds`. */
const TIMEOUT_REASON = /attempt duration exceeded timeout/i

/** Batch's attempt reason when the instance went away, on-demand or Spot. */
const HOST_LOST_REASON = /^Host EC2 .*terminated|spot|instance.*(terminated|interrupted)/i

const BATCH_TO_RUN_STATUS: Readonly<Record<string, RunStatus>> = {
  SUBMITTED: 'SUBMITTED',
  PENDING: 'SUBMITTED',
  RUNNABLE: 'RUNNABLE',
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
}

/**
 * Batch lists finished attempts in `attempts`. While a job is between or inside attempts the
 * current one is the next number; once the job is terminal, the last listed attempt is the
 * final one.
 */
function attemptNumber(job: BatchJobView, terminal: boolean): number {
  const finished = job.attempts?.length ?? 0
  if (terminal) {
    return Math.max(1, finished)
  }
  return finished + 1
}

function lastAttempt(job: BatchJobView): BatchAttemptView | undefined {
  const attempts = job.attempts ?? []
  return attempts[attempts.length - 1]
}

function exitCodeOf(job: BatchJobView): number | undefined {
  return job.container?.exitCode ?? lastAttempt(job)?.container?.exitCode
}

/**
 * The child node that failed first, for a multi-node job whose main node failed. Batch stops
 * the remaining children once the main node exits, so only children that stopped before the
 * main node can be the cause.
 */
function firstFailedChild(
  nodes: readonly BatchNodeView[],
  mainNode: number,
): BatchNodeView | undefined {
  const mainStoppedAt = nodes.find((node) => node.nodeIndex === mainNode)?.stoppedAt
  const failed = nodes.filter(
    (node) =>
      node.nodeIndex !== mainNode &&
      node.status === 'FAILED' &&
      node.exitCode !== undefined &&
      node.exitCode !== 0 &&
      (mainStoppedAt === undefined ||
        node.stoppedAt === undefined ||
        node.stoppedAt < mainStoppedAt),
  )
  failed.sort(
    (a, b) => (a.stoppedAt ?? Number.MAX_SAFE_INTEGER) - (b.stoppedAt ?? Number.MAX_SAFE_INTEGER),
  )
  return failed[0]
}

function classifyFailure(
  job: BatchJobView,
  cancel: CancelIntent | undefined,
  nodes: readonly BatchNodeView[],
  mainNode: number,
): Pick<MappedBatchState, 'status' | 'endReason' | 'endDetail'> {
  const reason = job.statusReason ?? ''
  const attemptReason = lastAttempt(job)?.statusReason ?? ''

  if (cancel && reason.startsWith(PLATFORM_REASON_PREFIX)) {
    if (cancel.kind === 'USER') {
      return {
        status: 'CANCELLED',
        endReason: 'USER_CANCELLED',
        endDetail: 'cancelled by the user',
      }
    }
    return {
      status: 'FAILED',
      endReason: 'QUEUE_TIMEOUT',
      endDetail: reason.slice(PLATFORM_REASON_PREFIX.length).trim(),
    }
  }

  if (TIMEOUT_REASON.test(reason) || TIMEOUT_REASON.test(attemptReason)) {
    return { status: 'FAILED', endReason: 'TIMEOUT', endDetail: 'the attempt exceeded its timeout' }
  }

  if (HOST_LOST_REASON.test(attemptReason) || HOST_LOST_REASON.test(reason)) {
    return { status: 'FAILED', endReason: 'HOST_LOST', endDetail: attemptReason || reason }
  }

  const child = firstFailedChild(nodes, mainNode)
  if (child) {
    return {
      status: 'FAILED',
      endReason: 'NODE_FAILED',
      endDetail: `node ${child.nodeIndex} exited with code ${child.exitCode}`,
    }
  }

  const exitCode = exitCodeOf(job)
  if (exitCode !== undefined && exitCode !== 0) {
    return {
      status: 'FAILED',
      endReason: 'APPLICATION_ERROR',
      endDetail: `the main node exited with code ${exitCode}`,
    }
  }

  return {
    status: 'FAILED',
    endReason: 'UNKNOWN',
    endDetail: reason || attemptReason || 'no reason given by Batch',
  }
}

/**
 * Maps a Batch job to the platform's status, attempt and, for a finished job, the end reason.
 * Pure: the worker's monitor and the batch-events Lambda both call it.
 *
 * @param job - the job as DescribeJobs or the state-change event shows it
 * @param cancel - the platform's recorded intent, if it asked Batch to stop the job
 * @param nodes - per-node details of a multi-node job; only needed to name a failed child node
 * @param mainNode - index of the main node
 * @returns undefined when Batch reports a status the platform does not know
 */
export function mapBatchJob(
  job: BatchJobView,
  cancel?: CancelIntent,
  nodes: readonly BatchNodeView[] = [],
  mainNode = 0,
): MappedBatchState | undefined {
  const batchStatus = job.status ?? ''
  const base = BATCH_TO_RUN_STATUS[batchStatus]
  if (!base) {
    return undefined
  }

  const exitCode = exitCodeOf(job)
  const common = {
    batchStatus,
    ...(job.statusReason !== undefined && { statusReason: job.statusReason }),
    ...(exitCode !== undefined && { exitCode }),
  }

  if (base === 'SUCCEEDED') {
    return {
      ...common,
      status: 'SUCCEEDED',
      attempt: attemptNumber(job, true),
      endReason: 'COMPLETED',
    }
  }

  if (base === 'FAILED') {
    return {
      ...common,
      attempt: attemptNumber(job, true),
      ...classifyFailure(job, cancel, nodes, mainNode),
    }
  }

  // A job the platform asked to stop stays CANCELLING until Batch reports the end.
  const status: RunStatus = cancel ? 'CANCELLING' : base
  return { ...common, status, attempt: attemptNumber(job, false) }
}
