import type { Logger } from 'pino'
import type { LogStore } from '../logs/log-store.js'
import { type ArnScope, containerInstanceArn, ecsTaskArn, newTaskId } from '../model/arns.js'
import { mainNode } from '../model/job-view.js'
import { isTerminal, type JobRecord, type NodeRecord } from '../model/records.js'
import { findFreePort } from '../runtime/free-port.js'
import { buildNodeEnvironment, MAIN_NODE_ADDRESS } from '../runtime/node-environment.js'
import { NodeProcess, type ProcessExit } from '../runtime/node-process.js'
import type { StatusRecorder } from './status-recorder.js'

// Status reasons as Batch writes them.
export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited'
export const TASK_FAILED_TO_START = 'Task failed to start'
export const TIMEOUT_REASON = 'Job attempt duration exceeded timeout'

export function hostTerminatedReason(instanceId: string | undefined): string {
  return `Host EC2 (instance ${instanceId ?? 'i-00000000000000000'}) terminated.`
}

/** Cause of an attempt's end. The first cause wins and later ones are ignored. */
export type AttemptEnd =
  | { kind: 'main-exited'; exitCode: number | undefined; failedToStart: boolean }
  | { kind: 'timed-out' }
  | { kind: 'terminated'; reason: string }
  | { kind: 'host-terminated' }

export interface AttemptOutcome {
  kind: AttemptEnd['kind']
  status: 'SUCCEEDED' | 'FAILED'
  statusReason: string
  /** The main node's exit code and container reason, for retry decisions. */
  exitCode: number | undefined
  reason: string | undefined
}

export interface AttemptSettings {
  scope: ArnScope
  logStore: LogStore
  recorder: StatusRecorder
  logger: Logger
  stepDelayMs: number
  timeScale: number
  stopTimeoutMs: number
  baseEnvironment: Record<string, string>
  workingDirectory: string
}

/**
 * Runs one attempt of a job: STARTING, the main node's process, RUNNING once it has started,
 * then the child nodes, and the attempt timeout. The main node's exit ends the attempt, and
 * the other nodes are then stopped. A child node that exits early only ends that node, as on
 * Batch. `finished` resolves once every process of the attempt has exited and the node and
 * attempt records are written. The caller then sets the job's next status.
 */
export class AttemptRun {
  readonly finished: Promise<AttemptOutcome>
  private resolveFinished!: (outcome: AttemptOutcome) => void
  private readonly processes = new Map<number, NodeProcess>()
  private readonly startedNodes = new Set<number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private outcome: Omit<AttemptOutcome, 'exitCode' | 'reason'> | undefined
  private isFinished = false
  private masterPort = 0

  constructor(
    readonly job: JobRecord,
    private readonly settings: AttemptSettings,
  ) {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve
    })
  }

  /** Number of nodes of its queue's capacity that the attempt uses. */
  get nodeCount(): number {
    return this.job.nodes.length
  }

  start(): void {
    const { recorder } = this.settings
    recorder.setNodeStatus(this.job, mainNode(this.job), 'STARTING')
    recorder.setJobStatus(this.job, 'STARTING')
    this.later(this.settings.stepDelayMs, () => void this.launchMainNode())
  }

  /** Ends the attempt: stops its processes, or kills them at once when the host is lost. */
  end(end: AttemptEnd): void {
    if (this.outcome !== undefined) {
      return
    }
    this.outcome = this.describeEnd(end)
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()

    for (const nodeProcess of this.processes.values()) {
      if (end.kind === 'host-terminated') {
        nodeProcess.kill()
      } else {
        nodeProcess.stop(this.settings.stopTimeoutMs)
      }
    }
    this.finishIfIdle()
  }

  /** Sends SIGKILL to every process of the attempt at once, for the process `exit` handler. */
  killProcesses(): void {
    for (const nodeProcess of this.processes.values()) {
      nodeProcess.kill()
    }
  }

  private describeEnd(end: AttemptEnd): Omit<AttemptOutcome, 'exitCode' | 'reason'> {
    switch (end.kind) {
      case 'main-exited':
        if (end.failedToStart) {
          return { kind: end.kind, status: 'FAILED', statusReason: TASK_FAILED_TO_START }
        }
        return {
          kind: end.kind,
          status: end.exitCode === 0 ? 'SUCCEEDED' : 'FAILED',
          statusReason: ESSENTIAL_CONTAINER_EXITED,
        }
      case 'timed-out':
        return { kind: end.kind, status: 'FAILED', statusReason: TIMEOUT_REASON }
      case 'terminated':
        return { kind: end.kind, status: 'FAILED', statusReason: end.reason }
      case 'host-terminated':
        return {
          kind: end.kind,
          status: 'FAILED',
          statusReason: hostTerminatedReason(this.job.instanceId),
        }
    }
  }

  private async launchMainNode(): Promise<void> {
    const main = mainNode(this.job)
    let masterPort: number
    try {
      masterPort = await findFreePort(MAIN_NODE_ADDRESS)
    } catch (error) {
      this.settings.logger.error({ err: error, jobId: this.job.jobId }, 'no free port for the job')
      this.startNode(main, 0, new Error(`no free TCP port on ${MAIN_NODE_ADDRESS}`))
      return
    }
    this.masterPort = masterPort
    this.startNode(main, masterPort)
  }

  /** Starts a node's process, or records a node that cannot start at all when `startError` is set. */
  private startNode(node: NodeRecord, masterPort: number, startError?: Error): void {
    if (this.outcome !== undefined) {
      this.finishIfIdle()
      return
    }

    const { scope, logStore } = this.settings
    const taskId = newTaskId()
    node.container.taskArn = ecsTaskArn(scope, taskId)
    node.container.containerInstanceArn = containerInstanceArn(scope, this.job.instanceId ?? taskId)
    node.container.logStreamName = `${this.job.jobDefinitionName}/default/${taskId}`
    node.container.exitCode = undefined
    node.container.reason = undefined
    logStore.createStream(node.container.logStreamName)
    this.startedNodes.add(node.nodeIndex)

    const command = node.container.command ?? []
    if (startError !== undefined || command.length === 0) {
      const error =
        startError ??
        new Error("the job gives no command, and batch-local cannot run an image's default command")
      this.onNodeExit(node, { exitCode: undefined, startError: error })
      return
    }

    let nodeProcess: NodeProcess
    try {
      nodeProcess = new NodeProcess({
        command,
        environment: buildNodeEnvironment({
          base: this.settings.baseEnvironment,
          job: this.job,
          node,
          masterPort,
        }),
        workingDirectory: this.settings.workingDirectory,
        logStore,
        logStreamName: node.container.logStreamName,
        onSpawn: () => this.onNodeRunning(node),
      })
    } catch (error) {
      this.onNodeExit(node, { exitCode: undefined, startError: error as Error })
      return
    }
    this.processes.set(node.nodeIndex, nodeProcess)
    void nodeProcess.exited.then((exit) => this.onNodeExit(node, exit))
  }

  private onNodeRunning(node: NodeRecord): void {
    if (this.outcome !== undefined) {
      return
    }
    const { recorder } = this.settings
    const now = Date.now()
    node.startedAt = now
    recorder.setNodeStatus(this.job, node, 'RUNNING')
    this.settings.logger.info(
      { jobId: this.job.jobId, nodeIndex: node.nodeIndex, attempt: this.job.attemptNumber },
      'node running',
    )
    if (node.nodeIndex !== this.job.mainNodeIndex) {
      return
    }

    this.job.startedAt = now
    recorder.setJobStatus(this.job, 'RUNNING')
    this.armTimeout()
    for (const child of this.job.nodes) {
      if (child.nodeIndex === this.job.mainNodeIndex) {
        continue
      }
      recorder.setNodeStatus(this.job, child, 'STARTING')
      this.later(this.settings.stepDelayMs, () => this.startNode(child, this.masterPort))
    }
  }

  /** For a multi-node job the timeout bounds the whole attempt, measured from RUNNING. */
  private armTimeout(): void {
    const seconds = this.job.timeout?.attemptDurationSeconds
    if (seconds === undefined) {
      return
    }
    this.later(seconds * 1000 * this.settings.timeScale, () => this.end({ kind: 'timed-out' }))
  }

  private onNodeExit(node: NodeRecord, exit: ProcessExit): void {
    this.processes.delete(node.nodeIndex)
    if (exit.startError !== undefined) {
      node.container.reason = `CannotStartContainerError: ${exit.startError.message}`
    } else if (this.recordsExitCode(node)) {
      node.container.exitCode = exit.exitCode
    }
    this.settings.logger.info(
      { jobId: this.job.jobId, nodeIndex: node.nodeIndex, exitCode: node.container.exitCode },
      'node exited',
    )

    if (this.outcome === undefined) {
      const failed = exit.startError !== undefined || exit.exitCode !== 0
      const reason =
        exit.startError === undefined ? ESSENTIAL_CONTAINER_EXITED : TASK_FAILED_TO_START
      this.finishNode(node, failed ? 'FAILED' : 'SUCCEEDED', reason)
      if (node.nodeIndex === this.job.mainNodeIndex) {
        this.end({
          kind: 'main-exited',
          exitCode: exit.exitCode,
          failedToStart: exit.startError !== undefined,
        })
      }
    } else {
      this.finishNode(node, this.outcome.status, this.outcome.statusReason)
    }
    this.finishIfIdle()
  }

  /**
   * A node that exits by itself records its exit code, and so does the main node stopped by a
   * timeout or TerminateJob. A lost host reports no exit code. Child nodes stopped because the
   * attempt ended record none either, so that a failed child is always one that exited by itself.
   *
   * NOTE: Batch does not document the exit code of nodes it stops after the main node exits.
   */
  private recordsExitCode(node: NodeRecord): boolean {
    if (this.outcome === undefined) {
      return true
    }
    return this.outcome.kind !== 'host-terminated' && node.nodeIndex === this.job.mainNodeIndex
  }

  private finishNode(node: NodeRecord, status: 'SUCCEEDED' | 'FAILED', statusReason: string): void {
    const now = Date.now()
    node.stoppedAt = now
    node.statusReason = statusReason
    if (this.startedNodes.has(node.nodeIndex)) {
      node.attempts.push({
        container: {
          exitCode: node.container.exitCode,
          reason: node.container.reason,
          logStreamName: node.container.logStreamName,
          taskArn: node.container.taskArn,
          containerInstanceArn: node.container.containerInstanceArn,
          networkInterfaces: [],
        },
        startedAt: node.startedAt,
        stoppedAt: now,
        statusReason,
      })
    }
    this.settings.recorder.setNodeStatus(this.job, node, status)
  }

  private finishIfIdle(): void {
    if (this.outcome === undefined || this.isFinished || this.processes.size > 0) {
      return
    }
    this.isFinished = true

    const outcome = this.outcome
    for (const node of this.job.nodes) {
      if (!isTerminal(node.status)) {
        this.finishNode(node, outcome.status, outcome.statusReason)
      }
    }

    const main = mainNode(this.job)
    if (this.startedNodes.has(main.nodeIndex)) {
      this.job.attempts.push({
        container: {
          exitCode: main.container.exitCode,
          reason: main.container.reason,
          logStreamName: main.container.logStreamName,
          taskArn: main.container.taskArn,
          containerInstanceArn: main.container.containerInstanceArn,
          networkInterfaces: [],
        },
        startedAt: main.startedAt,
        stoppedAt: main.stoppedAt ?? Date.now(),
        statusReason: outcome.statusReason,
      })
    }
    this.resolveFinished({
      ...outcome,
      exitCode: main.container.exitCode,
      reason: main.container.reason,
    })
  }

  private later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      action()
    }, delayMs)
    this.timers.add(timer)
  }
}
