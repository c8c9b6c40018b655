import type { RunStatus } from '@trainplane/shared'
import { DESCRIBE_JOBS_MAX_IDS, describeJobs } from '../batch/describe-jobs.js'
import type { WorkerContext } from '../context.js'
import { jobBatches } from './runs-in-status.js'
import { type StopRequests, stopReasonFor } from './stop-requests.js'

const FINISHED_BATCH_STATUSES = new Set(['SUCCEEDED', 'FAILED'])

export interface CancelSummary {
  cancelling: number
  cancelJobCalls: number
  terminateJobCalls: number
  errors: number
}

/**
 * Runs one cancel cycle. For every CANCELLING run with a Batch job, it reads the job's current
 * status and stops the job with CancelJob before it starts, or TerminateJob once it is STARTING
 * or RUNNING. The monitor records the end that Batch then reports, and a job that had already
 * ended keeps its own outcome. CANCELLING runs without a job are left to reconcile.ts.
 */
export async function cancelOnce(
  context: WorkerContext,
  stops: StopRequests,
): Promise<CancelSummary> {
  const summary: CancelSummary = {
    cancelling: 0,
    cancelJobCalls: 0,
    terminateJobCalls: 0,
    errors: 0,
  }
  const cancelling = new Set<string>()
  const statuses: RunStatus[] = ['CANCELLING']

  for await (const runs of jobBatches(
    context.runs,
    statuses,
    DESCRIBE_JOBS_MAX_IDS,
    context.signal,
  )) {
    const jobs = await describeJobs(
      context.batch,
      runs.map((run) => run.jobId),
    )

    for (const run of runs) {
      summary.cancelling++
      cancelling.add(run.runId)
      const job = jobs.get(run.jobId)
      if (!job?.status || FINISHED_BATCH_STATUSES.has(job.status)) {
        continue
      }

      try {
        const api = await stops.stop(
          context.batch,
          run,
          run.jobId,
          job.status,
          stopReasonFor(run, context.config.queueCatalog),
        )
        if (api === 'CancelJob') summary.cancelJobCalls++
        if (api === 'TerminateJob') summary.terminateJobCalls++
        if (api) {
          context.logger.info(
            { runId: run.runId, jobId: run.jobId, batchStatus: job.status, api },
            'asked Batch to stop the job',
          )
        }
      } catch (err) {
        summary.errors++
        context.logger.error({ err, runId: run.runId, jobId: run.jobId }, 'stopping the job failed')
      }
    }
  }

  stops.retainOnly(cancelling)
  return summary
}
