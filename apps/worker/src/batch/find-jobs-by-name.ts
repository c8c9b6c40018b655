import { type BatchClient, type JobSummary, ListJobsCommand } from '@aws-sdk/client-batch'

/**
 * Lists the jobs of a queue that carry one name, in every status. With a filter, ListJobs
 * ignores `jobStatus` and returns jobs of any status; without one it returns only RUNNING jobs
 * (AWS Batch API reference, ListJobs). The JOB_NAME filter ignores case and treats a trailing
 * `*` as a prefix match, so the names are compared exactly here as well.
 */
export async function findJobsByName(
  batch: BatchClient,
  jobQueue: string,
  jobName: string,
): Promise<JobSummary[]> {
  const found: JobSummary[] = []
  let nextToken: string | undefined

  do {
    const page = await batch.send(
      new ListJobsCommand({
        jobQueue,
        filters: [{ name: 'JOB_NAME', values: [jobName] }],
        ...(nextToken !== undefined && { nextToken }),
      }),
    )
    for (const job of page.jobSummaryList ?? []) {
      if (job.jobName === jobName && job.jobId) found.push(job)
    }
    nextToken = page.nextToken
  } while (nextToken)

  // Oldest first: when duplicates exist, the first job is the one to keep.
  return found.sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))
}
