import type { JobRecord, SchedulingPolicyRecord } from '../model/records.js'

/**
 * Picks the next RUNNABLE job to start from `candidates` (sorted by creation time).
 *
 * Without a scheduling policy the queue is FIFO. With a fair-share policy, the share with the
 * lowest weighted usage (nodes running now times its `weightFactor`, 1 by default) goes first,
 * because on Batch a smaller weight factor gets a larger part of the compute. Within a share, a
 * higher scheduling priority goes first, then the older job.
 *
 * This approximates Batch's fair-share scheduler with the current usage only, so
 * `shareDecaySeconds` and `computeReservation` have no effect.
 */
export function pickNextJob(
  candidates: readonly JobRecord[],
  runningNodesByShare: ReadonlyMap<string, number>,
  policy: SchedulingPolicyRecord | undefined,
): JobRecord | undefined {
  if (policy === undefined) {
    return candidates[0]
  }

  let best: JobRecord | undefined
  let bestUsage = Number.POSITIVE_INFINITY
  for (const job of candidates) {
    const share = job.shareIdentifier ?? ''
    const usage = (runningNodesByShare.get(share) ?? 0) * weightFactor(policy, share)
    if (
      best === undefined ||
      usage < bestUsage ||
      (usage === bestUsage && ranksBefore(job, best))
    ) {
      best = job
      bestUsage = usage
    }
  }
  return best
}

/** Orders two jobs by scheduling priority within one share, as on Batch, and otherwise by age. */
function ranksBefore(job: JobRecord, other: JobRecord): boolean {
  if (job.shareIdentifier !== other.shareIdentifier) {
    return job.createdAt < other.createdAt
  }
  const priority = job.schedulingPriority ?? 0
  const otherPriority = other.schedulingPriority ?? 0
  if (priority !== otherPriority) {
    return priority > otherPriority
  }
  return job.createdAt < other.createdAt
}

/** Looks up a share's weight: an exact shareDistribution entry first, then a prefix entry ending in `*`. */
function weightFactor(policy: SchedulingPolicyRecord, share: string): number {
  const distribution = policy.fairsharePolicy?.shareDistribution ?? []
  const exact = distribution.find((entry) => entry.shareIdentifier === share)
  const prefix = distribution.find(
    (entry) =>
      entry.shareIdentifier?.endsWith('*') === true &&
      share.startsWith(entry.shareIdentifier.slice(0, -1)),
  )
  return exact?.weightFactor ?? prefix?.weightFactor ?? 1
}
