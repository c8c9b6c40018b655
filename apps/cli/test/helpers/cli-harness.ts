import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../src/cli.js'
import type { CliContext } from '../../src/context.js'
import type { Prompter } from '../../src/terminal/prompt.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  stdin?: string
  prompter?: Prompter
  /** Replaces the real sleep, such as to skip retry delays and record them. */
  sleep?: (ms: number) => Promise<void>
}

/** Creates a temporary config directory, removed at teardown, so no test touches a real home. */
export function tempConfigDir(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainplane-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Runs the CLI in this process with captured output and the given environment only. */
export async function runInProcess(args: string[], options: RunOptions = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const context: CliContext = {
    env: { ...options.env },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: async () => options.stdin ?? '',
    prompter: options.prompter,
    fetch: globalThis.fetch,
    now: () => new Date(),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  }
  const code = await runCli(args, context)
  return { code, stdout, stderr }
}

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))

/** Runs the built CLI (`dist/main.js`, built by `npm test`'s pretest) as a child process. */
export function runBinary(args: string[], options: RunOptions = {}): Promise<CliResult> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing; run npm run build -w @trainplane/cli first`)
  }

  const child = spawn(process.execPath, [MAIN, ...args], {
    env: {
      PATH: process.env.PATH,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end(options.stdin ?? '')

  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/** Makes a prompter that returns prepared answers in order and records the questions. */
export function scriptedPrompter(answers: string[]): Prompter & { questions: string[] } {
  const questions: string[] = []
  const next = async (question: string) => {
    questions.push(question)
    const answer = answers.shift()
    if (answer === undefined) throw new Error(`no prepared answer for ${JSON.stringify(question)}`)
    return answer
  }
  return { questions, ask: next, askHidden: next }
}
