import {
  type BatchClient,
  CancelJobCommand,
  type JobStatus,
  TerminateJobCommand,
} from '@aws-sdk/client-batch'
import {
  findQueue,
  PLATFORM_REASON_PREFIX,
  type QueueCatalog,
  type RunRecord,
} from '@trainplane/shared'

/**
 * CancelJob stops a job that has not started. CancelJob leaves a STARTING or RUNNING job
 * running, so those need TerminateJob (AWS Batch API reference, CancelJob and TerminateJob).
 */
const CANCELLABLE = new Set<string>(['SUBMITTED', 'PENDING', 'RUNNABLE'])
const TERMINABLE = new Set<string>(['STARTING', 'RUNNING'])

/** A stop request is sent again if the job is still alive this long after the last one. */
const REPEAT_AFTER_MS = 60_000

/**
 * Returns the reason to give CancelJob or TerminateJob for a run. Batch copies it into the
 * job's status reason, where the shared mapping recognises the platform's prefix and ends the
 * run as requested: CANCELLED for a user's cancel, FAILED with QUEUE_TIMEOUT for a queue wait.
 */
export function stopReasonFor(run: RunRecord, catalog: QueueCatalog): string {
  if (run.cancelKind === 'QUEUE_TIMEOUT') {
    const queue = findQueue(catalog, run.spec.queue)
    return queue
      ? queueWaitReason(queue.maxRunnableSeconds)
      : `${PLATFORM_REASON_PREFIX} queue wait limit reached`
  }
  return `${PLATFORM_REASON_PREFIX} cancelled by user`
}

export function queueWaitReason(maxRunnableSeconds: number): string {
  return `${PLATFORM_REASON_PREFIX} queue wait limit of ${maxRunnableSeconds} s reached`
}

/**
 * The stop requests this replica sent, by run, so a job is asked once per Batch status and
 * again only after REPEAT_AFTER_MS. A job that moved from RUNNABLE to STARTING after CancelJob
 * gets TerminateJob at once.
 */
export class StopRequests {
  readonly #sent = new Map<string, { batchStatus: string; at: number }>()

  #due(runId: string, batchStatus: string, now: number): boolean {
    const last = this.#sent.get(runId)
    return !last || last.batchStatus !== batchStatus || now - last.at >= REPEAT_AFTER_MS
  }

  /**
   * Sends CancelJob or TerminateJob for the job's current Batch status, unless one was sent for
   * that status recently. Returns the API called, or undefined when nothing was sent.
   */
  async stop(
    batch: BatchClient,
    run: RunRecord,
    jobId: string,
    batchStatus: JobStatus | string,
    reason: string,
    now = Date.now(),
  ): Promise<'CancelJob' | 'TerminateJob' | undefined> {
    if (!this.#due(run.runId, batchStatus, now)) {
      return undefined
    }

    let api: 'CancelJob' | 'TerminateJob'
    if (CANCELLABLE.has(batchStatus)) {
      await batch.send(new CancelJobCommand({ jobId, reason }))
      api = 'CancelJob'
    } else if (TERMINABLE.has(batchStatus)) {
      await batch.send(new TerminateJobCommand({ jobId, reason }))
      api = 'TerminateJob'
    } else {
      return undefined
    }

    this.#sent.set(run.runId, { batchStatus, at: now })
    return api
  }

  /** Forgets runs that are no longer being stopped. */
  retainOnly(runIds: ReadonlySet<string>): void {
    for (const runId of this.#sent.keys()) {
      if (!runIds.has(runId)) this.#sent.delete(runId)
    }
  }
}
