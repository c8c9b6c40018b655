import { ClientException } from '../api/errors.js'
import type { JobQueueRecord } from './records.js'

/**
 * Tag that sets how many nodes a queue may run at once, counting every node of a multi-node
 * job. Without it a queue has no limit. `0` keeps every job RUNNABLE, as a queue whose compute
 * environments have no capacity does on Batch.
 */
export const CAPACITY_TAG = 'batch-local:capacity'

export function queueCapacity(queue: JobQueueRecord): number {
  const value = queue.tags?.[CAPACITY_TAG]
  return value === undefined ? Number.POSITIVE_INFINITY : Number(value)
}

/** Raises ClientException unless the capacity tag, if present, is a non-negative integer. */
export function validateCapacityTag(tags: Record<string, string> | undefined): void {
  const value = tags?.[CAPACITY_TAG]
  if (value !== undefined && !/^\d+$/.test(value)) {
    throw new ClientException(
      `Invalid tag ${CAPACITY_TAG}=${JSON.stringify(value)}: give the number of nodes the queue may run at once, as a non-negative integer.`,
    )
  }
}
