import { ConditionFailedError, finishRun, LeaseLostError, type RunRecord } from '@trainplane/shared'
import type { WorkerContext } from '../context.js'
import type { SubmissionRejectedError } from '../errors.js'

/**
 * Endings for a claimed run that has no Batch job. They are used only when no job can exist:
 * no SubmitJob was sent, or Batch rejected it with an error that created nothing, or ListJobs
 * found none.
 */

function finishDependencies(context: WorkerContext) {
  return { runs: context.runs, notifier: context.notifier, logger: context.logger }
}

/**
 * Ends a CANCELLING run that has no Batch job: the user cancelled while the run was being
 * submitted, and no job was created, so nothing is left to stop.
 */
export async function finishCancelledWithoutJob(
  context: WorkerContext,
  run: RunRecord,
): Promise<void> {
  const result = await finishRun(
    finishDependencies(context),
    run,
    {
      status: 'CANCELLED',
      attempt: run.attempt,
      endReason: 'USER_CANCELLED',
      endDetail: 'cancelled before a Batch job was created',
    },
    context.clock(),
  )
  if (!result.won) {
    context.logger.info({ runId: run.runId }, 'run changed before it could be cancelled')
  }
}

/**
 * Re-reads a run after a conditional write lost, and ends it CANCELLED if the reason was a
 * cancel request that arrived while this worker still held the lease. A lease that another
 * replica took over means that replica may be submitting, so the run is left to it.
 * Returns the run as stored.
 */
async function settleAfterLostWrite(
  context: WorkerContext,
  runId: string,
): Promise<RunRecord | undefined> {
  const latest = await context.runs.get(runId, { consistent: true })
  if (
    latest?.status === 'CANCELLING' &&
    latest.jobId === undefined &&
    latest.leaseOwner === context.config.workerId
  ) {
    await finishCancelledWithoutJob(context, latest)
  }
  return latest
}

/**
 * Ends a claimed run FAILED with end reason SUBMISSION_REJECTED: Batch rejected its request,
 * or the worker could not build one. A run the user cancelled meanwhile ends CANCELLED instead.
 */
export async function rejectSubmission(
  context: WorkerContext,
  run: RunRecord,
  error: SubmissionRejectedError,
): Promise<void> {
  context.logger.warn(
    { runId: run.runId, userId: run.userId, code: error.code, reason: error.message },
    'submission rejected',
  )

  const result = await finishRun(
    finishDependencies(context),
    run,
    {
      status: 'FAILED',
      attempt: run.attempt,
      endReason: 'SUBMISSION_REJECTED',
      endDetail: error.message,
    },
    context.clock(),
  )
  if (!result.won) {
    await settleAfterLostWrite(context, run.runId)
  }
}

/**
 * Gives a claimed run back to the queue (SUBMITTING to QUEUED) so a later cycle submits it.
 * A run the user cancelled meanwhile ends CANCELLED instead; one whose lease another replica
 * took over is left to that replica.
 */
export async function releaseRun(
  context: WorkerContext,
  run: RunRecord,
  reason: string,
): Promise<void> {
  try {
    await context.runs.releaseClaim(run.runId, context.config.workerId, reason, context.clock())
    context.logger.info({ runId: run.runId, reason }, 'run returned to the queue')
  } catch (err) {
    if (!(err instanceof LeaseLostError || err instanceof ConditionFailedError)) throw err
    const latest = await settleAfterLostWrite(context, run.runId)
    if (latest?.status === 'SUBMITTING') {
      context.logger.warn(
        { runId: run.runId, leaseOwner: latest.leaseOwner },
        'lease lost before the run could be returned to the queue',
      )
    }
  }
}
