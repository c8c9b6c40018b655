import type { RunRecord } from '@trainplane/shared'
import { LogAttemptOutOfRangeError, LogNodeOutOfRangeError, withProblems } from '../errors.js'

/** The location of a node's log stream, or the reason it has none to read. */
export type LogStreamLocation =
  | { status: 'AVAILABLE'; streamName: string }
  | { status: 'NOT_STARTED' }
  | { status: 'NO_STREAM_YET' }

/** Returns the run's current Batch attempt, 1-based. A run without a job counts as attempt 1. */
export function currentAttempt(run: RunRecord): number {
  return Math.max(run.attempt, 1)
}

/**
 * Checks the node and attempt against the run.
 *
 * @throws LogNodeOutOfRangeError or LogAttemptOutOfRangeError, naming the field
 */
export function checkNodeAndAttempt(run: RunRecord, node: number, attempt: number): void {
  if (node >= run.spec.nodes) {
    throw withProblems(new LogNodeOutOfRangeError(node, run.runId, run.spec.nodes), [
      { field: 'node', message: `must be less than ${run.spec.nodes}` },
    ])
  }
  const current = currentAttempt(run)
  if (attempt > current) {
    throw withProblems(new LogAttemptOutOfRangeError(attempt, run.runId, current), [
      { field: 'attempt', message: `must be at most ${current}` },
    ])
  }
}

/**
 * Finds the log stream of one node and attempt among the streams the worker stored. Runs
 * stored before streams were kept per attempt have only the latest attempt's, under
 * `logStreams`.
 */
export function locateLogStream(run: RunRecord, node: number, attempt: number): LogStreamLocation {
  if (run.jobId === undefined) {
    return { status: 'NOT_STARTED' }
  }

  const streamName = storedStreamName(run, node, attempt)
  return streamName === undefined
    ? { status: 'NO_STREAM_YET' }
    : { status: 'AVAILABLE', streamName }
}

function storedStreamName(run: RunRecord, node: number, attempt: number): string | undefined {
  if (run.logStreamsByAttempt !== undefined) {
    return run.logStreamsByAttempt[String(attempt)]?.[String(node)]
  }
  return attempt === currentAttempt(run) ? run.logStreams?.[String(node)] : undefined
}
