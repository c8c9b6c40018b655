import { setTimeout as sleep } from 'node:timers/promises'
import { createTerminalPrompter, type Prompter } from './terminal/prompt.js'

/**
 * Everything a command reads from or writes to the outside, so tests can run commands in
 * process with their own environment, streams and clock.
 */
export interface CliContext {
  env: Record<string, string | undefined>
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  /** Reads standard input to its end. */
  readStdin(): Promise<string>
  /** Asks on the terminal; undefined when standard input is not a terminal. */
  prompter: Prompter | undefined
  fetch: typeof fetch
  now(): Date
  sleep(ms: number): Promise<void>
}

/** Creates the context of the real process. */
export function createProcessContext(): CliContext {
  return {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readAll(process.stdin),
    prompter: process.stdin.isTTY
      ? createTerminalPrompter(process.stdin, process.stderr)
      : undefined,
    fetch: globalThis.fetch,
    now: () => new Date(),
    sleep: (ms) => sleep(ms),
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
