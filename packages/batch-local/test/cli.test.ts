import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BatchClient, SubmitJobCommand } from '@aws-sdk/client-batch'
import t, { type Test } from 'tap'
import { parseCommandLine } from '../src/command-line.js'
import {
  createQueue,
  describeJob,
  nodeCommand,
  registerContainerDefinition,
  startHarness,
  waitFor,
  waitForStatus,
} from './fixtures/harness.js'

const CLI_PATH = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

interface CliRun {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

// Only the TypeScript loader of this test process: tap's other loaders slow the start down.
const LOADER_ARGS = process.execArgv.filter((argument) => argument.includes('typescript'))

/** Runs the batch-local command from its TypeScript source. */
function runCli(t: Test, args: string[]): CliRun {
  const child = spawn(process.execPath, [...LOADER_ARGS, CLI_PATH, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

/** Waits for the command's start log line and returns a Batch client for its endpoint. */
async function connectToCli(t: Test, run: CliRun): Promise<BatchClient> {
  const started = await waitFor(
    'the start log line',
    async () => run.stdout(),
    (output) => output.includes('"batch-local started"'),
  )
  const startLine =
    started.split('\n').find((line) => line.includes('"batch-local started"')) ?? '{}'
  const { endpoint } = JSON.parse(startLine) as { endpoint: string }
  const batch = new BatchClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
  t.teardown(() => batch.destroy())
  return batch
}

t.test('port in use exits with error', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  const { port } = blocker.address() as AddressInfo

  const run = runCli(t, ['--port', String(port)])
  const exitCode = await run.exited

  t.equal(exitCode, 1)
  t.match(run.stderr(), `batch-local: port ${port} on 127.0.0.1 is already in use`)
})

t.test('parseCommandLine validates flags', async (t) => {
  t.throws(() => parseCommandLine(['--lambda-endpoint', 'http://127.0.0.1:9001']), {
    name: 'BatchLocalConfigurationError',
    message: /--lambda-endpoint and --events-function go together/,
  })
  t.throws(() => parseCommandLine(['--port', 'eighty']), {
    name: 'BatchLocalConfigurationError',
    message: /--port must be a number/,
  })
  t.throws(() => parseCommandLine(['--verbose']), { name: 'BatchLocalConfigurationError' })

  const { options } = parseCommandLine([
    '--port',
    '8500',
    '--lambda-endpoint',
    'http://127.0.0.1:9001',
    '--events-function',
    'batch-events',
    '--time-scale',
    '0.01',
  ])
  t.equal(options.port, 8500)
  t.same(options.events, { endpoint: 'http://127.0.0.1:9001', functionName: 'batch-events' })
  t.equal(options.timeScale, 0.01)
})

t.test('SIGTERM fails running jobs and exits', async (t) => {
  const stateDir = t.testdir()
  const run = runCli(t, ['--port', '0', '--state-dir', stateDir, '--step-delay-ms', '20'])
  const batch = await connectToCli(t, run)

  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'sleeper', nodeCommand('setInterval(() => {}, 1000)'))
  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'sleeper', jobQueue: 'cpu', jobDefinition: 'sleeper' }),
  )
  await waitForStatus(batch, jobId, 'RUNNING')
  run.child.kill('SIGTERM')
  const exitCode = await run.exited

  t.equal(exitCode, 0)
  const restarted = await startHarness(t, { stateDir })
  const job = await describeJob(restarted.batch, jobId)
  t.equal(job.status, 'FAILED')
  t.match(job.statusReason, /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/)
})

t.test('restart after crash fails lost job', async (t) => {
  const stateDir = t.testdir()
  const pidFile = join(stateDir, 'node.pid')
  const run = runCli(t, ['--port', '0', '--state-dir', stateDir, '--step-delay-ms', '20'])
  const batch = await connectToCli(t, run)
  await createQueue(batch, 'cpu')
  const script = `
    require('node:fs').writeFileSync(process.env.PID_FILE, String(process.pid))
    setInterval(() => {}, 1000)
  `
  await registerContainerDefinition(batch, 'sleeper', nodeCommand(script), {
    containerProperties: {
      image: 'worker',
      command: nodeCommand(script),
      environment: [{ name: 'PID_FILE', value: pidFile }],
    },
  })
  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'sleeper', jobQueue: 'cpu', jobDefinition: 'sleeper' }),
  )
  await waitForStatus(batch, jobId, 'RUNNING')
  const nodePid = Number(
    await waitFor(
      'the node to write its process id',
      async () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8') : ''),
      (text) => text !== '',
    ),
  )
  // A killed batch-local cannot stop its nodes, so the test does.
  t.teardown(() => {
    try {
      process.kill(nodePid, 'SIGKILL')
    } catch {
      // The node process has already ended.
    }
  })

  run.child.kill('SIGKILL')
  await run.exited
  const restarted = await startHarness(t, { stateDir })
  const job = await describeJob(restarted.batch, jobId)

  t.equal(job.status, 'FAILED')
  t.match(job.statusReason, /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/)
  t.equal(job.attempts?.length, 1)
  t.equal(job.attempts?.[0]?.statusReason, job.statusReason)
  t.equal(job.attempts?.[0]?.container?.exitCode, undefined)
})
