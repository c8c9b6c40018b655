import { type ChildProcess, spawn } from 'node:child_process'
import { constants } from 'node:os'
import { LineSplitter } from '../logs/line-splitter.js'
import type { LogStore } from '../logs/log-store.js'

/** Exit status of a node's process. */
export interface ProcessExit {
  /** The exit code, or 128 + the signal number for a process killed by a signal (as Docker reports it). */
  exitCode: number | undefined
  /** Set when the process could not be started, for example because the command does not exist. */
  startError?: Error
}

export interface NodeProcessOptions {
  command: readonly string[]
  environment: Record<string, string>
  workingDirectory: string
  logStore: LogStore
  logStreamName: string
  /** Called once the process is running. */
  onSpawn: () => void
}

/**
 * The local process of one node. The command runs directly (no shell) in its own process
 * group, so stopping the node also stops the processes it started, as stopping a container
 * does. stdout and stderr go line by line to the node's log stream.
 */
export class NodeProcess {
  readonly exited: Promise<ProcessExit>
  private readonly child: ChildProcess
  private killTimer: NodeJS.Timeout | undefined
  private hasExited = false

  constructor(options: NodeProcessOptions) {
    const [file, ...args] = options.command
    if (file === undefined) {
      throw new Error('Internal error: NodeProcess needs a non-empty command.')
    }

    this.child = spawn(file, args, {
      cwd: options.workingDirectory,
      env: options.environment,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    this.child.once('spawn', options.onSpawn)
    const outputEnded = [
      this.pipeToLog(this.child.stdout, options),
      this.pipeToLog(this.child.stderr, options),
    ]
    void Promise.all(outputEnded).then(() => options.logStore.closeStream(options.logStreamName))

    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        if (this.child.pid === undefined) {
          this.markExited()
          resolve({ exitCode: undefined, startError: error })
        }
      })
      this.child.once('exit', (code, signal) => {
        this.markExited()
        this.signalGroup('SIGKILL')
        resolve({ exitCode: code ?? signalExitCode(signal) })
      })
    })
  }

  /** Sends SIGTERM to the node's process group, then SIGKILL after `graceMs`, as `docker stop` does. */
  stop(graceMs: number): void {
    if (this.hasExited) {
      return
    }
    this.signalGroup('SIGTERM')
    this.killTimer ??= setTimeout(() => this.signalGroup('SIGKILL'), graceMs)
  }

  kill(): void {
    this.signalGroup('SIGKILL')
  }

  private markExited(): void {
    this.hasExited = true
    if (this.killTimer !== undefined) {
      clearTimeout(this.killTimer)
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) {
      return
    }
    if (!sendSignal(-this.child.pid, signal)) {
      // No such group: the process may not lead its own group yet, so signal it directly.
      sendSignal(this.child.pid, signal)
    }
  }

  /** Copies the stream to the log line by line, and resolves once the stream has ended. */
  private pipeToLog(
    stream: NodeJS.ReadableStream | null,
    options: NodeProcessOptions,
  ): Promise<void> {
    if (stream === null) {
      return Promise.resolve()
    }
    const splitter = new LineSplitter()
    stream.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        options.logStore.append(options.logStreamName, line)
      }
    })
    return new Promise((resolve) => {
      stream.on('close', () => {
        for (const line of splitter.flush()) {
          options.logStore.append(options.logStreamName, line)
        }
        resolve()
      })
    })
  }
}

/** Sends a signal and returns false when no process matched (ESRCH). */
function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
      return false
    }
    throw error
  }
}

function signalExitCode(signal: NodeJS.Signals | null): number | undefined {
  if (signal === null) {
    return undefined
  }
  const number = constants.signals[signal]
  return number === undefined ? undefined : 128 + number
}
