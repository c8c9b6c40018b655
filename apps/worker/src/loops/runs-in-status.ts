import type { RunRecord, RunRepository, RunStatus } from '@trainplane/shared'

/** Runs read per Query; a page of 100 feeds one DescribeJobs call. */
export const RUN_PAGE_SIZE = 100

/**
 * Yields every run in the given statuses, oldest first, one status after another, page by page
 * over the runs table's byStatus index (a Query per page, never a Scan). A run that changes status while
 * the listing goes on may be seen twice or not at all. Every loop step re-checks with a
 * conditional write, so that costs a wasted read at most.
 */
export async function* runsInStatuses(
  runs: RunRepository,
  statuses: readonly RunStatus[],
  signal?: AbortSignal,
): AsyncGenerator<RunRecord> {
  for (const status of statuses) {
    let cursor: string | undefined
    do {
      if (signal?.aborted) return
      const page = await runs.listByStatus(status, {
        limit: RUN_PAGE_SIZE,
        oldestFirst: true,
        ...(cursor !== undefined && { cursor }),
      })
      yield* page.items
      cursor = page.nextCursor
    } while (cursor !== undefined)
  }
}

/** A run that has a Batch job. */
export type RunWithJob = RunRecord & { jobId: string }

/**
 * Groups the runs with a Batch job, across all the given statuses, into batches of `size`, so
 * that following n runs takes ⌈n/size⌉ DescribeJobs calls however they spread over statuses.
 * A run that moves to a later status during the listing is yielded once.
 */
export async function* jobBatches(
  runs: RunRepository,
  statuses: readonly RunStatus[],
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<RunWithJob[]> {
  const seen = new Set<string>()
  let batch: RunWithJob[] = []
  for await (const run of runsInStatuses(runs, statuses, signal)) {
    if (run.jobId === undefined || seen.has(run.runId)) continue
    seen.add(run.runId)
    batch.push(run as RunWithJob)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) {
    yield batch
  }
}
