import { isRunId } from '@trainplane/shared'

/**
 * SubmitJob's `jobName` allows up to 128 letters, digits, hyphens and underscores, starting
 * with a letter or digit (AWS Batch API reference, SubmitJob).
 */
export const BATCH_JOB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

const JOB_NAME_PREFIX = 'trainplane-'

/**
 * Derives the Batch job name of a run. The name is the run's identity on the Batch side:
 * reconciliation finds a run's job with ListJobs and a JOB_NAME filter, so each run has
 * exactly one name and no two runs share one.
 *
 * @throws Error for a value that is not a run id, which would break that one-to-one mapping
 */
export function jobNameFor(runId: string): string {
  if (!isRunId(runId)) {
    throw new Error(`cannot derive a Batch job name from ${JSON.stringify(runId)}: not a run id`)
  }
  // Run ids are lowercase, which matters because the JOB_NAME filter ignores case.
  return `${JOB_NAME_PREFIX}${runId}`
}
