import type { RunRecord } from '@trainplane/shared'
import { leaseMs, type WorkerContext } from '../context.js'
import { SimulatedCrashError } from '../faults.js'
import { forEachConcurrently } from '../util/concurrency.js'
import { RUN_PAGE_SIZE, runsInStatuses } from './runs-in-status.js'
import { type SubmissionOutcome, submitClaimedRun } from './submission.js'

/**
 * Submissions one replica runs at once. Each waits on four calls in a row (three DynamoDB
 * writes and SubmitJob), so 16 in flight keep one replica at the default budget of 40 a second
 * even when a submission takes 400 ms.
 */
export const DISPATCH_CONCURRENCY = 16

/** Counts of one dispatch cycle, by what happened to each QUEUED run seen. */
export interface DispatchSummary {
  seen: number
  /** Claimed by another replica first, or no longer QUEUED. */
  notClaimed: number
  outcomes: Record<SubmissionOutcome, number>
}

function emptySummary(): DispatchSummary {
  return {
    seen: 0,
    notClaimed: 0,
    outcomes: { submitted: 0, rejected: 0, released: 0, throttled: 0, unknown: 0, 'lease-lost': 0 },
  }
}

async function dispatchRun(
  context: WorkerContext,
  queued: RunRecord,
  summary: DispatchSummary,
): Promise<void> {
  summary.seen++
  if (context.signal.aborted) {
    return
  }

  // The conditional QUEUED-to-SUBMITTING write lets exactly one replica own the submission.
  const run = await context.runs.claimQueued(
    queued.runId,
    context.config.workerId,
    leaseMs(context),
    context.clock(),
  )
  if (!run) {
    summary.notClaimed++
    return
  }

  const outcome = await submitClaimedRun(context, run)
  summary.outcomes[outcome]++
}

/**
 * Yields the runs page by page, each page in a random order, so replicas that read the same
 * page start their claims in different places instead of racing for the same runs.
 */
async function* shuffledPages(
  runs: AsyncIterable<RunRecord>,
  pageSize: number,
): AsyncGenerator<RunRecord> {
  let page: RunRecord[] = []
  const flush = function* () {
    for (let index = page.length - 1; index > 0; index--) {
      const other = Math.floor(Math.random() * (index + 1))
      ;[page[index], page[other]] = [page[other] as RunRecord, page[index] as RunRecord]
    }
    yield* page
    page = []
  }
  for await (const run of runs) {
    page.push(run)
    if (page.length === pageSize) yield* flush()
  }
  yield* flush()
}

/**
 * Runs one dispatch cycle: claims every QUEUED run with a lease and submits it, at most
 * DISPATCH_CONCURRENCY at a time. It takes no new run once the worker stops, and a submission
 * already claimed either finishes or gives its run back.
 * Queued runs are read oldest first, so a backlog is served in order of submission.
 */
export async function dispatchOnce(context: WorkerContext): Promise<DispatchSummary> {
  const summary = emptySummary()

  await forEachConcurrently(
    shuffledPages(runsInStatuses(context.runs, ['QUEUED'], context.signal), RUN_PAGE_SIZE),
    DISPATCH_CONCURRENCY,
    (run) => dispatchRun(context, run, summary),
    (err, run) => {
      if (err instanceof SimulatedCrashError) {
        context.logger.debug({ runId: run.runId, point: err.point }, 'simulated crash')
        return
      }
      context.logger.error({ err, runId: run.runId }, 'dispatch of a run failed')
    },
  )

  if (summary.seen > 0) {
    context.logger.info(
      { seen: summary.seen, notClaimed: summary.notClaimed, ...summary.outcomes },
      'dispatch cycle done',
    )
  }
  return summary
}
