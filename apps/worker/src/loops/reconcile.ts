import { type JobSummary, TerminateJobCommand } from '@aws-sdk/client-batch'
import {
  findQueue,
  LeaseLostError,
  PLATFORM_REASON_PREFIX,
  type RunRecord,
} from '@trainplane/shared'
import { findJobsByName } from '../batch/find-jobs-by-name.js'
import { jobNameFor } from '../batch/job-name.js'
import { leaseMs, type WorkerContext } from '../context.js'
import { SimulatedCrashError } from '../faults.js'
import { forEachConcurrently } from '../util/concurrency.js'
import { finishCancelledWithoutJob } from './claimed-run.js'
import { runsInStatuses } from './runs-in-status.js'
import { type SubmissionOutcome, submitClaimedRun } from './submission.js'

/** Reconciliations one replica runs at once; each is a ListJobs call and a few writes. */
const RECONCILE_CONCURRENCY = 4

const FINISHED_BATCH_STATUSES = new Set(['SUCCEEDED', 'FAILED'])

/** Outcome of reconciling a run whose lease expired before its job was recorded. */
export type ReconcileOutcome = 'adopted' | 'cancelled' | 'skipped' | `resubmit-${SubmissionOutcome}`

export interface ReconcileSummary {
  /** Runs with an expired lease and no job id that this replica took over. */
  claimed: number
  outcomes: Partial<Record<ReconcileOutcome, number>>
}

function isExpired(context: WorkerContext, run: RunRecord): boolean {
  return (
    run.jobId === undefined &&
    run.leaseExpiresAt !== undefined &&
    run.leaseExpiresAt < context.clock().getTime()
  )
}

/**
 * Stops every job named after the run except the one it keeps. Only a worker that lost its
 * lease in the middle of a submission can leave such a job behind.
 */
async function stopDuplicates(
  context: WorkerContext,
  run: RunRecord,
  keptJobId: string,
  jobs: readonly JobSummary[],
): Promise<void> {
  for (const job of jobs) {
    if (job.jobId === keptJobId || FINISHED_BATCH_STATUSES.has(job.status ?? '')) continue
    context.logger.warn(
      { runId: run.runId, jobId: job.jobId, keptJobId },
      'stopping a duplicate job of the run',
    )
    await context.batch.send(
      new TerminateJobCommand({
        jobId: job.jobId,
        reason: `${PLATFORM_REASON_PREFIX} duplicate submission of run ${run.runId}`,
      }),
    )
  }
}

/**
 * Settles one run that this replica took over. It adopts the job Batch already has under the
 * run's name. Without one, it submits the run, or ends it CANCELLED if the user cancelled
 * meanwhile, because there is nothing to stop.
 */
async function reconcileRun(context: WorkerContext, run: RunRecord): Promise<ReconcileOutcome> {
  const log = context.logger.child({ runId: run.runId, userId: run.userId })
  const queue = findQueue(context.config.queueCatalog, run.spec.queue)
  if (!queue) {
    // ListJobs needs the job queue, which only the catalog names.
    // NOTE: such a run stays SUBMITTING until its queue is back in the catalog.
    log.error({ queue: run.spec.queue }, 'cannot reconcile a run whose queue left the catalog')
    return 'skipped'
  }

  const jobName = jobNameFor(run.runId)
  const jobs = await findJobsByName(context.batch, queue.jobQueue, jobName)
  const adopted = jobs[0]

  if (adopted?.jobId) {
    try {
      await context.runs.recordSubmission(
        run.runId,
        context.config.workerId,
        { jobId: adopted.jobId, jobName },
        context.clock(),
      )
    } catch (err) {
      if (!(err instanceof LeaseLostError)) throw err
      log.warn({ jobId: adopted.jobId }, 'lease lost before the job could be adopted')
      return 'skipped'
    }
    log.info({ jobId: adopted.jobId, jobName }, 'adopted the job a lost submission created')
    await stopDuplicates(context, run, adopted.jobId, jobs)
    return 'adopted'
  }

  if (run.status === 'CANCELLING') {
    await finishCancelledWithoutJob(context, run)
    return 'cancelled'
  }

  log.info({ jobName }, 'no job found for the run; submitting it again')
  const outcome = await submitClaimedRun(context, run)
  if (outcome === 'submitted') {
    // A submission whose lease was lost mid-call may have created a job after ListJobs above.
    const recorded = await context.runs.get(run.runId, { consistent: true })
    if (recorded?.jobId) {
      const again = await findJobsByName(context.batch, queue.jobQueue, jobName)
      await stopDuplicates(context, run, recorded.jobId, again)
    }
  }
  return `resubmit-${outcome}`
}

/**
 * Runs one reconcile cycle over SUBMITTING and CANCELLING runs that have no job id and whose
 * lease expired, because their worker died or stalled between claiming and recording. Each is
 * taken over with a conditional write and settled with ListJobs by job name before anything is
 * submitted again.
 */
export async function reconcileOnce(context: WorkerContext): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { claimed: 0, outcomes: {} }

  await forEachConcurrently(
    runsInStatuses(context.runs, ['SUBMITTING', 'CANCELLING'], context.signal),
    RECONCILE_CONCURRENCY,
    async (candidate) => {
      if (!isExpired(context, candidate) || context.signal.aborted) return

      const run = await context.runs.claimExpired(
        candidate.runId,
        context.config.workerId,
        leaseMs(context),
        context.clock(),
      )
      if (!run) return
      summary.claimed++

      const outcome = await reconcileRun(context, run)
      summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1
    },
    (err, run) => {
      if (err instanceof SimulatedCrashError) {
        context.logger.debug({ runId: run.runId, point: err.point }, 'simulated crash')
        return
      }
      context.logger.error({ err, runId: run.runId }, 'reconciliation of a run failed')
    },
  )

  if (summary.claimed > 0) {
    context.logger.info({ claimed: summary.claimed, ...summary.outcomes }, 'reconcile cycle done')
  }
  return summary
}
