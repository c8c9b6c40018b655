import { isRunId, type RunRecord, type RunRepository } from '@trainplane/shared'
import type { BatchJobEvent } from './batch-job-event.js'

export type RunMatch =
  | { kind: 'found'; run: RunRecord; via: 'jobId' | 'tag' }
  | { kind: 'unknown' }
  /** The run named by the tag records a different Batch job, so the event is not its own. */
  | { kind: 'other-job'; run: RunRecord }

/**
 * Finds the run a job belongs to: by the job id the worker recorded, or else by the job's
 * `runId` tag. The tag covers the moment between SubmitJob and the worker recording the job id,
 * and a job-id index that has not caught up yet (global secondary indexes are eventually
 * consistent). It is trusted only while the run has no job id or has this one.
 */
export async function findRunForJob(runs: RunRepository, event: BatchJobEvent): Promise<RunMatch> {
  const byJob = await runs.findByJobId(event.jobId)
  if (byJob) {
    return { kind: 'found', run: byJob, via: 'jobId' }
  }

  if (!event.runIdTag || !isRunId(event.runIdTag)) {
    return { kind: 'unknown' }
  }
  const byTag = await runs.get(event.runIdTag, { consistent: true })
  if (!byTag) {
    return { kind: 'unknown' }
  }
  if (byTag.jobId !== undefined && byTag.jobId !== event.jobId) {
    return { kind: 'other-job', run: byTag }
  }
  return { kind: 'found', run: byTag, via: 'tag' }
}
