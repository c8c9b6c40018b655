import { ClientException } from '../api/errors.js'
import type { JobRecord } from '../model/records.js'
import type { JobScheduler } from '../scheduler/job-scheduler.js'
import type { BatchState } from '../state/batch-state.js'
import { type JsonObject, requireString } from '../validation/input.js'

// Batch API reference, CancelJob.reason and TerminateJob.reason: at most 1024 characters.
const MAX_REASON_LENGTH = 1024

/**
 * Cancels a job. As on Batch, only SUBMITTED, PENDING and RUNNABLE jobs fail, with `reason`
 * as their status reason. For a STARTING, RUNNING or finished job the call succeeds and
 * changes nothing.
 */
export function cancelJob(state: BatchState, scheduler: JobScheduler, request: JsonObject) {
  const { job, reason } = readJobAndReason(state, request)
  scheduler.cancel(job, reason)
  return {}
}

/** Terminates a job: a job that has not started fails at once, a running one once its processes have stopped. */
export function terminateJob(state: BatchState, scheduler: JobScheduler, request: JsonObject) {
  const { job, reason } = readJobAndReason(state, request)
  scheduler.terminate(job, reason)
  return {}
}

/**
 * NOTE: Batch's response to an unknown job id is not documented. batch-local returns
 * ClientException so that a caller's wrong id is not silently ignored.
 */
function readJobAndReason(
  state: BatchState,
  request: JsonObject,
): { job: JobRecord; reason: string } {
  const jobId = requireString(request.jobId, 'jobId')
  const reason = requireString(request.reason, 'reason')
  if (reason.length > MAX_REASON_LENGTH) {
    throw new ClientException(
      `reason can be at most ${MAX_REASON_LENGTH} characters long (got ${reason.length}).`,
    )
  }
  const job = state.jobs.get(jobId)
  if (job === undefined) {
    throw new ClientException(
      `Job ${jobId} not found. Give the id of a job, not of one of its nodes.`,
    )
  }
  return { job, reason }
}
