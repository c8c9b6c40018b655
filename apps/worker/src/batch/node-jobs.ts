import type { JobDetail } from '@aws-sdk/client-batch'
import type { BatchJobView, BatchNodeView, RunRecord } from '@trainplane/shared'

/**
 * Helpers for the nodes of a multi-node parallel job. Batch describes the job as a whole
 * (`jobId`) without per-node results, and each node as its own job (`jobId#N`) with its exit
 * code and log stream (AWS Batch user guide, "Multi-node parallel jobs").
 */

/** Node count of a multi-node job, or undefined for a container job. */
export function nodeCountOf(job: JobDetail): number | undefined {
  return job.nodeProperties?.numNodes
}

export function mainNodeOf(job: JobDetail): number {
  return job.nodeProperties?.mainNode ?? 0
}

/** DescribeJobs ids of every node of a multi-node job. */
export function nodeJobIds(jobId: string, nodeCount: number): string[] {
  return Array.from({ length: nodeCount }, (_, index) => `${jobId}#${index}`)
}

function exitCodeOf(job: JobDetail): number | undefined {
  const attempts = job.attempts ?? []
  return job.container?.exitCode ?? attempts[attempts.length - 1]?.container?.exitCode
}

function nodeIndexOf(job: JobDetail): number | undefined {
  if (job.nodeDetails?.nodeIndex !== undefined) {
    return job.nodeDetails.nodeIndex
  }
  const suffix = job.jobId?.split('#')[1]
  return suffix === undefined ? undefined : Number(suffix)
}

/** Picks the nodes of one job out of described node jobs, by node index. */
export function nodesOf(
  jobId: string,
  nodeCount: number,
  described: ReadonlyMap<string, JobDetail>,
): Map<number, JobDetail> {
  const nodes = new Map<number, JobDetail>()
  for (const id of nodeJobIds(jobId, nodeCount)) {
    const node = described.get(id)
    const index = node ? nodeIndexOf(node) : undefined
    if (node && index !== undefined) nodes.set(index, node)
  }
  return nodes
}

/**
 * Node results for naming the node that brought a failed job down. Batch stops the remaining
 * nodes once the main node exits, so a child that stopped at the same time as the main node or
 * later is a casualty, not the cause, and is left out.
 */
export function failureCandidates(
  nodes: ReadonlyMap<number, JobDetail>,
  mainNode: number,
): BatchNodeView[] {
  const mainStoppedAt = nodes.get(mainNode)?.stoppedAt
  const views: BatchNodeView[] = []
  for (const [nodeIndex, node] of nodes) {
    if (nodeIndex !== mainNode && mainStoppedAt !== undefined && node.stoppedAt !== undefined) {
      if (node.stoppedAt >= mainStoppedAt) continue
    }
    const exitCode = exitCodeOf(node)
    views.push({
      nodeIndex,
      ...(node.status !== undefined && { status: node.status }),
      ...(exitCode !== undefined && { exitCode }),
      ...(node.stoppedAt !== undefined && { stoppedAt: node.stoppedAt }),
    })
  }
  return views
}

/**
 * Builds the job as the shared mapping reads it. A multi-node job's own description may lack
 * the main node's exit code, which then comes from the main node's job.
 */
export function jobView(job: JobDetail, mainNodeJob: JobDetail | undefined): BatchJobView {
  const view = job as BatchJobView
  if (exitCodeOf(job) !== undefined || !mainNodeJob) {
    return view
  }
  const exitCode = exitCodeOf(mainNodeJob)
  return exitCode === undefined ? view : { ...view, container: { ...view.container, exitCode } }
}

/**
 * Log stream names by node index, merged into what the run already stores. Returns undefined
 * when nothing new was learnt, so no write is needed.
 */
export function logStreamsOf(
  run: RunRecord,
  job: JobDetail,
  nodes: ReadonlyMap<number, JobDetail>,
): Record<string, string> | undefined {
  const found: Record<string, string> = {}
  if (nodeCountOf(job) === undefined) {
    const name = job.container?.logStreamName
    if (name) found['0'] = name
  }
  for (const [index, node] of nodes) {
    const name = node.container?.logStreamName
    if (name) found[String(index)] = name
  }

  const stored = run.logStreams ?? {}
  const changed = Object.entries(found).some(([index, name]) => stored[index] !== name)
  return changed ? { ...stored, ...found } : undefined
}

/** Checks that the run stores a log stream for every node of the job. */
export function hasEveryLogStream(run: RunRecord, nodeCount: number): boolean {
  const stored = run.logStreams ?? {}
  for (let index = 0; index < nodeCount; index++) {
    if (!stored[String(index)]) return false
  }
  return true
}
