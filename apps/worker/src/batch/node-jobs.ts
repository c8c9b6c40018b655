import type { JobDetail } from '@aws-sdk/client-batch'
import type { BatchJobView, BatchNodeView, RunDetails, RunRecord } from '@trainplane/shared'

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

/** Log stream details the monitor stores on a run. */
export type LogStreamDetails = Pick<RunDetails, 'logStreams' | 'logStreamsByAttempt'>

/**
 * Log stream names of one node job (or container job) by attempt number. Batch lists each
 * finished attempt's stream in `attempts`, and the attempt in progress in `container`, which
 * after the last attempt repeats that attempt's stream.
 */
function streamsByAttempt(job: JobDetail): Map<number, string> {
  const streams = new Map<number, string>()
  const attempts = job.attempts ?? []
  attempts.forEach((attempt, index) => {
    const name = attempt.container?.logStreamName
    if (name) streams.set(index + 1, name)
  })

  const current = job.container?.logStreamName
  if (current && ![...streams.values()].includes(current)) {
    streams.set(attempts.length + 1, current)
  }
  return streams
}

/**
 * Log stream names by node index (the latest attempt's) and by attempt and node, merged into
 * what the run already stores. Returns undefined when nothing new was learnt, so no write is
 * needed.
 */
export function logStreamsOf(
  run: RunRecord,
  job: JobDetail,
  nodes: ReadonlyMap<number, JobDetail>,
): LogStreamDetails | undefined {
  const found = new Map<number, JobDetail>()
  if (nodeCountOf(job) === undefined) found.set(0, job)
  for (const [index, node] of nodes) found.set(index, node)

  const latest: Record<string, string> = {}
  const byAttempt: Record<string, Record<string, string>> = {}
  for (const [index, node] of found) {
    const name = node.container?.logStreamName
    if (name) latest[String(index)] = name
    for (const [attempt, stream] of streamsByAttempt(node)) {
      byAttempt[String(attempt)] = { ...byAttempt[String(attempt)], [String(index)]: stream }
    }
  }

  const stored = run.logStreams ?? {}
  const storedByAttempt = run.logStreamsByAttempt ?? {}
  const latestChanged = Object.entries(latest).some(([index, name]) => stored[index] !== name)
  const byAttemptChanged = Object.entries(byAttempt).some(([attempt, streams]) =>
    Object.entries(streams).some(([index, name]) => storedByAttempt[attempt]?.[index] !== name),
  )
  if (!latestChanged && !byAttemptChanged) return undefined

  const merged: Record<string, Record<string, string>> = { ...storedByAttempt }
  for (const [attempt, streams] of Object.entries(byAttempt)) {
    merged[attempt] = { ...merged[attempt], ...streams }
  }
  return { logStreams: { ...stored, ...latest }, logStreamsByAttempt: merged }
}

/**
 * Checks that the run stores a log stream for every node of the job in its current attempt, so
 * a retried job's new streams are still looked up.
 */
export function hasEveryLogStream(run: RunRecord, nodeCount: number): boolean {
  const stored = run.logStreamsByAttempt?.[String(run.attempt)] ?? {}
  for (let index = 0; index < nodeCount; index++) {
    if (!stored[String(index)]) return false
  }
  return true
}
