import { type ChildProcess, spawn } from 'node:child_process'

export interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface Started {
  child: ChildProcess
  /** Output so far; it grows while the process runs. */
  output: { stdout: string; stderr: string }
  finished: Promise<Finished>
}

/** Teardown registration, as tap's `t.teardown`. */
type Teardown = (fn: () => void | Promise<void>) => void

/**
 * Starts a process with exactly the given environment and kills it at teardown if it is still
 * running, so a failed test leaves nothing behind.
 */
export function start(
  teardown: Teardown,
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string },
): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString('utf8')
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8')
  })

  const finished = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, ...output }))
  })

  teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await finished.catch(() => undefined)
    }
  })
  return { child, output, finished }
}

/** Resolves when `condition` holds, checking every 50 ms; rejects after `timeoutMs`. */
export async function waitFor(
  description: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Rejects when `promise` has not settled within `timeoutMs`, so a hung test fails clearly. */
export function within<T>(promise: Promise<T>, timeoutMs: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${description} did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
