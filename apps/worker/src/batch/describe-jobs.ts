import { type BatchClient, DescribeJobsCommand, type JobDetail } from '@aws-sdk/client-batch'

/** DescribeJobs takes at most 100 job ids a call (AWS Batch API reference, DescribeJobs). */
export const DESCRIBE_JOBS_MAX_IDS = 100

/**
 * Describes jobs in calls of at most 100 ids each. Ids may name whole jobs or single nodes of
 * a multi-node job (`jobId#N`). Jobs Batch does not know are simply absent from the result.
 */
export async function describeJobs(
  batch: BatchClient,
  jobIds: readonly string[],
): Promise<Map<string, JobDetail>> {
  const jobs = new Map<string, JobDetail>()
  for (let start = 0; start < jobIds.length; start += DESCRIBE_JOBS_MAX_IDS) {
    const chunk = jobIds.slice(start, start + DESCRIBE_JOBS_MAX_IDS)
    const result = await batch.send(new DescribeJobsCommand({ jobs: chunk }))
    for (const job of result.jobs ?? []) {
      if (job.jobId) jobs.set(job.jobId, job)
    }
  }
  return jobs
}
