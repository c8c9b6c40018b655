import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export interface ManagedProcess {
  name: string
  child: ChildProcess
  exited: Promise<number | null>
}

/**
 * The child processes of the local stack. Each one's output goes to its log file under the
 * stack's folder, and, with `echo`, to this terminal prefixed by its name. `stopAll` stops them
 * in reverse start order, so the API and the worker go before the stores they use.
 */
export class ProcessGroup {
  readonly #processes: ManagedProcess[] = []
  readonly #logDir: string
  readonly #echo: boolean
  #stopping = false
  onUnexpectedExit: ((name: string, code: number | null) => void) | undefined

  constructor(logDir: string, echo: boolean) {
    this.#logDir = logDir
    this.#echo = echo
  }

  start(
    name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ): ManagedProcess {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const log = createWriteStream(join(this.#logDir, `${name}.log`), { flags: 'a' })
    this.#pipe(name, child, log)

    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        log.end()
        if (!this.#stopping) this.onUnexpectedExit?.(name, code)
        resolve(code)
      })
      child.once('error', (err) => {
        log.write(`failed to start ${command}: ${err.message}\n`)
        resolve(null)
      })
    })

    const managed = { name, child, exited }
    this.#processes.push(managed)
    return managed
  }

  #pipe(name: string, child: ChildProcess, log: WriteStream): void {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue
      const lines = createInterface({ input: stream })
      lines.on('line', (line) => {
        log.write(`${line}\n`)
        if (this.#echo) process.stdout.write(`[${name}] ${line}\n`)
      })
    }
  }

  /** Stops every process: SIGTERM, then SIGKILL for any still running after the grace period. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.#stopping = true
    for (const managed of [...this.#processes].reverse()) {
      const { child } = managed
      if (child.exitCode !== null || child.signalCode !== null) continue
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await managed.exited
      clearTimeout(timer)
    }
  }
}

/** Polls a URL until it answers 2xx, or throws after the timeout naming the component. */
export async function waitForHttp(
  component: string,
  url: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError = 'no answer'
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
      if (response.ok) return
      lastError = `HTTP ${response.status}`
    } catch (err) {
      lastError = (err as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(
    `${component} did not become ready at ${url} within ${timeoutMs / 1000} s (${lastError}); see its log under .local/logs`,
  )
}
