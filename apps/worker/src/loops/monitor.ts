import type { JobDetail } from '@aws-sdk/client-batch'
import {
  applyBatchJob,
  type BatchNodeView,
  ConditionFailedError,
  canTransition,
  mapBatchJob,
  type RunRecord,
  type RunStatus,
} from '@trainplane/shared'
import { DESCRIBE_JOBS_MAX_IDS, describeJobs } from '../batch/describe-jobs.js'
import {
  failureCandidates,
  jobView,
  logStreamsOf,
  mainNodeOf,
  nodeCountOf,
  nodesOf,
} from '../batch/node-jobs.js'
import type { WorkerContext } from '../context.js'
import { forEachConcurrently } from '../util/concurrency.js'
import { describeNodes, MAX_NODE_IDS_PER_CYCLE, type MonitorState } from './node-lookups.js'
import { enforceQueueWait } from './queue-wait.js'
import { jobBatches, type RunWithJob } from './runs-in-status.js'
import type { StopRequests } from './stop-requests.js'

/** Statuses in which a run has, or may have, a Batch job to follow. */
export const FOLLOWED_STATUSES: readonly RunStatus[] = [
  'SUBMITTED',
  'RUNNABLE',
  'STARTING',
  'RUNNING',
  'CANCELLING',
]

/** Runs of one batch whose changes are written at once. */
const APPLY_CONCURRENCY = 8

export interface MonitorSummary {
  followed: number
  describeJobsCalls: number
  nodeDescribeJobsCalls: number
  advanced: number
  finished: number
  /** Runs whose job Batch did not return. */
  missingJobs: number
  queueTimeouts: number
  errors: number
}

function emptySummary(): MonitorSummary {
  return {
    followed: 0,
    describeJobsCalls: 0,
    nodeDescribeJobsCalls: 0,
    advanced: 0,
    finished: 0,
    missingJobs: 0,
    queueTimeouts: 0,
    errors: 0,
  }
}

/** Applies one described job to its run, through the shared mapping and finish step. */
async function followRun(
  context: WorkerContext,
  stops: StopRequests,
  run: RunWithJob,
  job: JobDetail,
  nodeJobs: ReadonlyMap<string, JobDetail>,
  summary: MonitorSummary,
): Promise<void> {
  const nodeCount = nodeCountOf(job)
  const mainNode = mainNodeOf(job)
  const nodes = nodeCount === undefined ? new Map() : nodesOf(run.jobId, nodeCount, nodeJobs)
  const view = jobView(job, nodes.get(mainNode))
  const candidates: BatchNodeView[] =
    job.status === 'FAILED' ? failureCandidates(nodes, mainNode) : []
  const logStreams = logStreamsOf(run, job, nodes)
  const extra = logStreams ?? {}

  const intent = run.cancelKind && run.cancelRequestedAt ? { kind: run.cancelKind } : undefined
  const mapped = mapBatchJob(view, intent, candidates, mainNode)
  let current: RunRecord = run

  if (mapped && canTransition(run, mapped)) {
    const deps = { runs: context.runs, notifier: context.notifier, logger: context.logger }
    const result = await applyBatchJob(deps, run.runId, view, candidates, extra, mainNode)
    if (result.outcome === 'advanced') summary.advanced++
    if (result.outcome === 'finished') summary.finished++
    if (result.outcome !== 'unknown-run') current = result.run
  } else if (logStreams) {
    try {
      current = await context.runs.updateDetails(run.runId, run, extra, new Date().toISOString())
    } catch (err) {
      // The run moved on since it was listed; the next cycle stores the streams.
      if (!(err instanceof ConditionFailedError)) throw err
    }
  }

  if (job.status === 'RUNNABLE' && current.jobId) {
    if (await enforceQueueWait(context, stops, current as RunWithJob)) {
      summary.queueTimeouts++
    }
  }
}

async function followBatch(
  context: WorkerContext,
  state: MonitorState,
  stops: StopRequests,
  runs: RunWithJob[],
  budget: { nodeIds: number },
  summary: MonitorSummary,
): Promise<void> {
  summary.followed += runs.length
  summary.describeJobsCalls++
  const jobs = await describeJobs(
    context.batch,
    runs.map((run) => run.jobId),
  )
  const { nodeJobs, deferred } = await describeNodes(context, state, runs, jobs, budget, summary)

  const missing = runs.filter((run) => !jobs.has(run.jobId))
  if (missing.length > 0) {
    summary.missingJobs += missing.length
    // NOTE: Batch stops returning a job some days after it ends, and a run whose job is gone
    // stays in its status until someone ends it. One line per batch keeps the log readable.
    context.logger.warn(
      { missing: missing.length, sampleRunIds: missing.slice(0, 5).map((run) => run.runId) },
      'Batch did not return the jobs of some runs',
    )
  }

  const present = runs.filter((run) => jobs.has(run.jobId) && !deferred.has(run.runId))
  await forEachConcurrently(
    present,
    APPLY_CONCURRENCY,
    (run) => followRun(context, stops, run, jobs.get(run.jobId) as JobDetail, nodeJobs, summary),
    (err, run) => {
      summary.errors++
      context.logger.error({ err, runId: run.runId, jobId: run.jobId }, 'following a run failed')
    },
  )
}

/**
 * Runs one monitor cycle. Every run in a followed status that has a Batch job is described,
 * 100 job ids a DescribeJobs call. Changes go through the shared Batch-to-platform mapping and
 * finish step, the same code as the batch-events Lambda. Node jobs (`jobId#N`) are described
 * only to name the node that brought a failed job down and to store node log streams. Runs
 * waiting in RUNNABLE beyond their queue's limit are cancelled.
 */
export async function monitorOnce(
  context: WorkerContext,
  state: MonitorState,
  stops: StopRequests,
): Promise<MonitorSummary> {
  const summary = emptySummary()
  const budget = { nodeIds: MAX_NODE_IDS_PER_CYCLE }
  const seen = new Set<string>()

  for await (const runs of jobBatches(
    context.runs,
    FOLLOWED_STATUSES,
    DESCRIBE_JOBS_MAX_IDS,
    context.signal,
  )) {
    for (const run of runs) seen.add(run.runId)
    try {
      await followBatch(context, state, stops, runs, budget, summary)
    } catch (err) {
      summary.errors++
      context.logger.error({ err, runs: runs.length }, 'following a batch of runs failed')
    }
  }

  for (const runId of state.nodeLookups.keys()) {
    if (!seen.has(runId)) state.nodeLookups.delete(runId)
  }

  if (summary.advanced + summary.finished + summary.queueTimeouts + summary.errors > 0) {
    context.logger.info({ ...summary }, 'monitor cycle done')
  }
  return summary
}
