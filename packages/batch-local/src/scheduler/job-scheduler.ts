import type { AttemptDetail } from '@aws-sdk/client-batch'
import type { Logger } from 'pino'
import { newInstanceId } from '../model/arns.js'
import { mainNode } from '../model/job-view.js'
import { queueCapacity } from '../model/queue-capacity.js'
import {
  CANCELLABLE_STATUSES,
  isTerminal,
  type JobQueueRecord,
  type JobRecord,
  type NodeRecord,
} from '../model/records.js'
import type { BatchState } from '../state/batch-state.js'
import {
  type AttemptOutcome,
  AttemptRun,
  type AttemptSettings,
  hostTerminatedReason,
} from './attempt-run.js'
import { pickNextJob } from './queue-order.js'
import { shouldRetry } from './retry-policy.js'

export interface SchedulerSettings extends AttemptSettings {
  state: BatchState
  logger: Logger
}

/**
 * Moves jobs through their statuses: SUBMITTED, then RUNNABLE after one step delay, then
 * STARTING when their queue has room for all their nodes, then each attempt through AttemptRun,
 * then SUCCEEDED, FAILED, or RUNNABLE again for a retry.
 */
export class JobScheduler {
  private readonly runs = new Map<string, AttemptRun>()
  private readonly settledRuns = new Set<Promise<void>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private dispatchTimer: NodeJS.Timeout | undefined
  private closing = false

  constructor(private readonly settings: SchedulerSettings) {}

  /** Schedules a just-submitted job. */
  enqueue(job: JobRecord): void {
    this.later(this.settings.stepDelayMs, () => this.makeRunnable(job))
  }

  /**
   * Resumes jobs loaded from the state folder. Jobs that were STARTING or RUNNING lost their
   * processes when batch-local stopped, so they fail as on the loss of their host.
   */
  resume(): void {
    for (const job of this.settings.state.jobs.values()) {
      if (job.status === 'SUBMITTED' || job.status === 'PENDING') {
        this.enqueue(job)
      } else if (job.status === 'STARTING' || job.status === 'RUNNING') {
        this.failLostJob(job)
      }
    }
    this.dispatchSoon()
  }

  /** Fails a job that has not started. A STARTING, RUNNING or finished job is left as it is. */
  cancel(job: JobRecord, reason: string): void {
    if (CANCELLABLE_STATUSES.has(job.status)) {
      this.failBeforeStart(job, reason)
    }
  }

  /** Fails a job that has not started, or stops the processes of a running one. */
  terminate(job: JobRecord, reason: string): void {
    if (CANCELLABLE_STATUSES.has(job.status)) {
      this.failBeforeStart(job, reason)
      return
    }
    this.runs.get(job.jobId)?.end({ kind: 'terminated', reason })
  }

  /** Stops scheduling and fails every running job as on the loss of its host. */
  async close(): Promise<void> {
    this.closing = true
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()
    clearTimeout(this.dispatchTimer)

    for (const run of this.runs.values()) {
      run.end({ kind: 'host-terminated' })
    }
    await Promise.all(this.settledRuns)
  }

  /** Looks for RUNNABLE jobs to start, after a queue's capacity or state changed. */
  wake(): void {
    this.dispatchSoon()
  }

  /** Kills every node process synchronously, for when batch-local exits without close(). */
  killAllProcesses(): void {
    for (const run of this.runs.values()) {
      run.killProcesses()
    }
  }

  private makeRunnable(job: JobRecord): void {
    if (job.status !== 'SUBMITTED') {
      return
    }
    const { recorder } = this.settings
    for (const node of job.nodes) {
      recorder.setNodeStatus(job, node, 'RUNNABLE')
    }
    recorder.setJobStatus(job, 'RUNNABLE')
    this.dispatchSoon()
  }

  private failBeforeStart(job: JobRecord, reason: string): void {
    const now = Date.now()
    const { recorder } = this.settings
    for (const node of job.nodes) {
      node.statusReason = reason
      node.stoppedAt = now
      recorder.setNodeStatus(job, node, 'FAILED')
    }
    job.statusReason = reason
    job.stoppedAt = now
    job.isCancelled = true
    recorder.setJobStatus(job, 'FAILED')
    this.settings.logger.info({ jobId: job.jobId }, 'job cancelled')
  }

  private failLostJob(job: JobRecord): void {
    const now = Date.now()
    const reason = hostTerminatedReason(job.instanceId)
    const { recorder } = this.settings
    for (const node of job.nodes) {
      if (!isTerminal(node.status)) {
        node.statusReason = reason
        node.stoppedAt = now
        if (node.container.taskArn !== undefined) {
          node.attempts.push(lostAttempt(node, reason, now))
        }
        recorder.setNodeStatus(job, node, 'FAILED')
      }
    }
    const main = mainNode(job)
    if (main.container.taskArn !== undefined) {
      job.attempts.push(lostAttempt(main, reason, now))
    }
    job.statusReason = reason
    job.stoppedAt = now
    recorder.setJobStatus(job, 'FAILED')
    this.settings.logger.warn({ jobId: job.jobId }, 'job was running when batch-local stopped')
  }

  private dispatchSoon(): void {
    if (this.dispatchTimer !== undefined || this.closing) {
      return
    }
    this.dispatchTimer = setTimeout(() => {
      this.dispatchTimer = undefined
      this.dispatch()
    }, this.settings.stepDelayMs)
  }

  private dispatch(): void {
    if (this.closing) {
      return
    }
    const queues = [...this.settings.state.jobQueues.values()].sort(
      (left, right) => (right.priority ?? 0) - (left.priority ?? 0),
    )
    for (const queue of queues) {
      this.dispatchQueue(queue)
    }
  }

  /** Starts the queue's RUNNABLE jobs, in queue order, while their nodes fit its capacity. */
  private dispatchQueue(queue: JobQueueRecord): void {
    const { state } = this.settings
    const capacity = queueCapacity(queue)
    const policy =
      queue.schedulingPolicyArn === undefined
        ? undefined
        : state.schedulingPolicies.get(queue.schedulingPolicyArn)

    let usedNodes = 0
    const runningNodesByShare = new Map<string, number>()
    for (const run of this.runs.values()) {
      if (run.job.jobQueueArn === queue.jobQueueArn) {
        usedNodes += run.nodeCount
        const share = run.job.shareIdentifier ?? ''
        runningNodesByShare.set(share, (runningNodesByShare.get(share) ?? 0) + run.nodeCount)
      }
    }

    const candidates = [...state.jobs.values()]
      .filter(
        (job) =>
          job.jobQueueArn === queue.jobQueueArn &&
          job.status === 'RUNNABLE' &&
          !this.runs.has(job.jobId),
      )
      .sort((left, right) => left.createdAt - right.createdAt)

    for (let job = pickNextJob(candidates, runningNodesByShare, policy); job !== undefined; ) {
      candidates.splice(candidates.indexOf(job), 1)
      const needed = job.nodes.length
      if (usedNodes + needed <= capacity) {
        usedNodes += needed
        const share = job.shareIdentifier ?? ''
        runningNodesByShare.set(share, (runningNodesByShare.get(share) ?? 0) + needed)
        this.startAttempt(job)
      }
      job = pickNextJob(candidates, runningNodesByShare, policy)
    }
  }

  private startAttempt(job: JobRecord): void {
    job.instanceId = newInstanceId()
    const run = new AttemptRun(job, this.settings)
    this.runs.set(job.jobId, run)
    this.settings.logger.info(
      { jobId: job.jobId, jobName: job.jobName, attempt: job.attemptNumber },
      'job starting',
    )
    run.start()

    const settled = run.finished.then((outcome) => this.onAttemptFinished(run, outcome))
    this.settledRuns.add(settled)
    void settled.finally(() => this.settledRuns.delete(settled))
  }

  private onAttemptFinished(run: AttemptRun, outcome: AttemptOutcome): void {
    const { job } = run
    const { recorder, logger } = this.settings
    this.runs.delete(job.jobId)

    const retry =
      outcome.kind === 'main-exited' &&
      outcome.status === 'FAILED' &&
      !this.closing &&
      shouldRetry(job.retryStrategy, job.attemptNumber, {
        exitCode: outcome.exitCode,
        statusReason: outcome.statusReason,
        reason: outcome.reason,
      })

    if (retry) {
      logger.info(
        { jobId: job.jobId, attempt: job.attemptNumber, exitCode: outcome.exitCode },
        'job attempt failed, retrying',
      )
      job.attemptNumber += 1
      job.statusReason = undefined
      this.resetNodes(job)
      recorder.setJobStatus(job, 'RUNNABLE')
    } else {
      job.stoppedAt = Date.now()
      job.statusReason = outcome.statusReason
      job.isTerminated = outcome.kind === 'terminated' ? true : job.isTerminated
      recorder.setJobStatus(job, outcome.status)
      logger.info(
        {
          jobId: job.jobId,
          status: outcome.status,
          exitCode: outcome.exitCode,
          statusReason: outcome.statusReason,
        },
        'job ended',
      )
    }
    this.dispatchSoon()
  }

  /** Clears the nodes' last attempt so that the next attempt starts from RUNNABLE. */
  private resetNodes(job: JobRecord): void {
    for (const node of job.nodes) {
      node.statusReason = undefined
      node.startedAt = undefined
      node.stoppedAt = undefined
      node.container.exitCode = undefined
      node.container.reason = undefined
      node.container.logStreamName = undefined
      node.container.taskArn = undefined
      node.container.containerInstanceArn = undefined
      this.settings.recorder.setNodeStatus(job, node, 'RUNNABLE')
    }
  }

  private later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      action()
    }, delayMs)
    this.timers.add(timer)
  }
}

/** Builds the attempt record of a node whose host was lost, which reports no exit code. */
function lostAttempt(node: NodeRecord, statusReason: string, stoppedAt: number): AttemptDetail {
  return {
    container: {
      logStreamName: node.container.logStreamName,
      taskArn: node.container.taskArn,
      containerInstanceArn: node.container.containerInstanceArn,
      networkInterfaces: [],
    },
    startedAt: node.startedAt,
    stoppedAt,
    statusReason,
  }
}
