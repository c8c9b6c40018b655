import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UserRepository } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import { build } from 'esbuild'
import t, { type Test } from 'tap'
import { REQUIRE_BANNER } from '../src/bundle/bundle-functions.js'
import { localEnvironment } from './fixtures/helpers.js'

/**
 * The CLI bundled once into plain JavaScript, so each run starts in a plain Node process
 * without a TypeScript loader.
 */
const cliDir = mkdtempSync(join(tmpdir(), 'triggers-cli-'))
t.teardown(() => rmSync(cliDir, { recursive: true, force: true }))
const CLI = join(cliDir, 'cli.mjs')
await build({
  entryPoints: [fileURLToPath(new URL('../src/local/cli.ts', import.meta.url))],
  outfile: CLI,
  bundle: true,
  platform: 'node',
  format: 'esm',
  banner: { js: REQUIRE_BANNER },
  logLevel: 'warning',
})

interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const finished = new Promise<Finished>((resolve) => {
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
  return { child, finished, stdout: () => stdout }
}

function stopOnTeardown(t: Test, child: ChildProcess) {
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
}

async function waitForLine(
  read: () => string,
  message: string,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    for (const line of read().split('\n')) {
      if (line.includes(`"msg":"${message}"`)) return JSON.parse(line)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no "${message}" log line within ${timeoutMs} ms:\n${read()}`)
}

const db = await setupTestDynamoDb(t)
const env = localEnvironment({
  TABLE_PREFIX: db.prefix,
  DYNAMODB_ENDPOINT: db.endpoint,
  LOG_LEVEL: 'info',
})

t.test('--help prints the usage', async (t) => {
  const { finished } = startCli(['--help'], env)

  const result = await finished

  t.equal(result.code, 0)
  t.match(result.stdout, /Usage: trainplane-lambda-host/)
})

t.test('invalid port exits 2 naming the option', async (t) => {
  const { finished } = startCli(['--port', 'eighty'], env)

  const result = await finished

  t.equal(result.code, 2)
  t.match(result.stderr, /--port "eighty" is invalid; expected a port from 0 to 65535/)
})

t.test('port in use exits 1 with a clear message', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => blocker.close(resolve)))
  const address = blocker.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const { finished } = startCli(['--port', String(port), '--sns-port', '0'], env)

  const result = await finished

  t.equal(result.code, 1)
  t.match(
    result.stderr,
    `the local Lambda host cannot listen on 127.0.0.1:${port} because another process uses that port`,
  )
  t.match(result.stderr, '(set with --port or --sns-port)')
})

t.test('missing configuration exits 1 naming the variable', async (t) => {
  const { finished } = startCli(['--port', '0', '--sns-port', '0'], { AWS_REGION: 'us-east-1' })

  const result = await finished

  t.equal(result.code, 1)
  t.match(result.stderr, /TABLE_PREFIX is missing/)
})

t.test('serves both functions with the SNS recorder', async (t) => {
  const { child, finished, stdout } = startCli(['--port', '0', '--sns-port', '0'], env)
  stopOnTeardown(t, child)
  const recorderLine = await waitForLine(stdout, 'sns recorder listening')
  const hostLine = await waitForLine(stdout, 'lambda host listening')

  const answer = await fetch(
    `${hostLine.endpoint}/2015-03-31/functions/post-confirmation/invocations`,
    {
      method: 'POST',
      body: JSON.stringify({
        triggerSource: 'PostConfirmation_ConfirmSignUp',
        request: { userAttributes: { sub: 'sub-cli' } },
      }),
    },
  )
  const messages = await fetch(`${recorderLine.endpoint}/messages`)
  child.kill('SIGTERM')
  const result = await finished

  t.equal(answer.status, 200)
  t.equal(answer.headers.get('x-amz-function-error'), null)
  t.ok(await new UserRepository(db.document, db.tables).get('sub-cli'))
  t.same(await messages.json(), { messages: [] })
  t.same(hostLine.functions, ['batch-events', 'post-confirmation'])
  t.equal(result.code, 0, 'SIGTERM stops it cleanly')
  t.match(result.stdout, '"msg":"lambda host stopped"')
})
