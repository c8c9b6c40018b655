import {
  ConditionFailedError,
  findQueue,
  RunAlreadyFinishedError,
  type RunRecord,
} from '@trainplane/shared'
import type { WorkerContext } from '../context.js'
import type { RunWithJob } from './runs-in-status.js'
import { queueWaitReason, type StopRequests } from './stop-requests.js'

/**
 * When the run entered RUNNABLE in its current attempt, from its status history, in epoch
 * milliseconds. A Batch retry starts a new wait.
 */
export function runnableSince(run: RunRecord): number | undefined {
  for (let index = run.history.length - 1; index >= 0; index--) {
    const entry = run.history[index]
    if (entry?.status === 'RUNNABLE' && entry.attempt === run.attempt) {
      return Date.parse(entry.at)
    }
  }
  return undefined
}

/**
 * Cancels a run that has waited in RUNNABLE longer than its queue's `maxRunnableSeconds`. It
 * records the platform's intent (CANCELLING, kind QUEUE_TIMEOUT), then calls CancelJob with a
 * reason that makes the mapping end the run FAILED with QUEUE_TIMEOUT.
 * Returns whether it cancelled the run.
 */
export async function enforceQueueWait(
  context: WorkerContext,
  stops: StopRequests,
  run: RunWithJob,
): Promise<boolean> {
  if (run.status !== 'RUNNABLE' || run.cancelRequestedAt !== undefined) {
    return false
  }
  const queue = findQueue(context.config.queueCatalog, run.spec.queue)
  const since = runnableSince(run)
  if (!queue || since === undefined) {
    return false
  }

  const now = context.clock()
  const waitedMs = now.getTime() - since
  if (waitedMs <= queue.maxRunnableSeconds * 1000) {
    return false
  }

  let cancelling: RunRecord
  try {
    cancelling = await context.runs.requestCancel(run, 'QUEUE_TIMEOUT', now)
  } catch (err) {
    // The run moved on (it started, or a user cancelled) since it was read.
    if (err instanceof ConditionFailedError || err instanceof RunAlreadyFinishedError) return false
    throw err
  }

  context.logger.info(
    {
      runId: run.runId,
      jobId: run.jobId,
      waitedSeconds: Math.round(waitedMs / 1000),
      queue: queue.name,
    },
    'queue wait limit reached; cancelling the job',
  )
  await stops.stop(
    context.batch,
    cancelling,
    run.jobId,
    'RUNNABLE',
    queueWaitReason(queue.maxRunnableSeconds),
  )
  return true
}
