import type { JobDetail } from '@aws-sdk/client-batch'
import type { RunRecord } from '@trainplane/shared'
import { DESCRIBE_JOBS_MAX_IDS, describeJobs } from '../batch/describe-jobs.js'
import { hasEveryLogStream, nodeCountOf, nodeJobIds } from '../batch/node-jobs.js'
import type { WorkerContext } from '../context.js'
import type { RunWithJob } from './runs-in-status.js'

/** A running job's nodes are looked up again, for log streams still missing, after this. */
export const NODE_LOOKUP_INTERVAL_MS = 30_000

/**
 * Node ids described per cycle at most (10 DescribeJobs calls), so a few very large jobs
 * cannot crowd out following the rest. Failed jobs, whose end reason needs their nodes, come
 * first within each batch.
 */
export const MAX_NODE_IDS_PER_CYCLE = 1000

/** Monitor state kept between cycles. */
export class MonitorState {
  /** When each run's nodes were last described, epoch milliseconds. */
  readonly nodeLookups = new Map<string, number>()
}

/**
 * Decides whether the run's nodes are worth a lookup now: a failed multi-node job, to name the
 * node that died, or a running or finished one whose node log streams are not all stored yet.
 */
function wantsNodes(run: RunRecord, job: JobDetail, state: MonitorState, now: number): boolean {
  const nodeCount = nodeCountOf(job)
  if (nodeCount === undefined) {
    return false
  }
  if (job.status === 'FAILED') {
    return true
  }
  if (job.status !== 'RUNNING' && job.status !== 'SUCCEEDED') {
    return false
  }
  const enteringRunning = job.status === 'RUNNING' && run.status !== 'RUNNING'
  if (!enteringRunning && hasEveryLogStream(run, nodeCount)) {
    return false
  }
  // A finished job is seen once more at most, so its missing streams are looked up now.
  const finished = job.status === 'SUCCEEDED'
  const last = state.nodeLookups.get(run.runId)
  return enteringRunning || finished || last === undefined || now - last >= NODE_LOOKUP_INTERVAL_MS
}

/** Node jobs of one batch, and the failed runs whose nodes did not fit this cycle's budget. */
export interface NodeLookup {
  nodeJobs: Map<string, JobDetail>
  /** Failed runs to leave for the next cycle, so their end reason can name the node. */
  deferred: Set<string>
}

/**
 * Describes the nodes (`jobId#N`) of the runs in one batch that want them, within the cycle's
 * budget of node ids. Failed jobs go first.
 */
export async function describeNodes(
  context: WorkerContext,
  state: MonitorState,
  runs: readonly RunWithJob[],
  jobs: ReadonlyMap<string, JobDetail>,
  budget: { nodeIds: number },
  counter: { nodeDescribeJobsCalls: number },
): Promise<NodeLookup> {
  const now = Date.now()
  const failedFirst = (run: RunWithJob) => (jobs.get(run.jobId)?.status === 'FAILED' ? 0 : 1)
  const candidates = runs
    .filter((run) => {
      const job = jobs.get(run.jobId)
      return job !== undefined && wantsNodes(run, job, state, now)
    })
    .sort((a, b) => failedFirst(a) - failedFirst(b))

  const ids: string[] = []
  const deferred = new Set<string>()
  for (const run of candidates) {
    const job = jobs.get(run.jobId) as JobDetail
    const nodeCount = nodeCountOf(job) ?? 0
    if (nodeCount > budget.nodeIds) {
      if (job.status === 'FAILED') deferred.add(run.runId)
      continue
    }
    budget.nodeIds -= nodeCount
    ids.push(...nodeJobIds(run.jobId, nodeCount))
    state.nodeLookups.set(run.runId, now)
  }

  if (ids.length === 0) {
    return { nodeJobs: new Map(), deferred }
  }
  counter.nodeDescribeJobsCalls += Math.ceil(ids.length / DESCRIBE_JOBS_MAX_IDS)
  return { nodeJobs: await describeJobs(context.batch, ids), deferred }
}
