import t from 'tap'
import { nodeMessages, runPrintingJob } from './helpers/batch-job.js'
import { runInProcess, tempConfigDir } from './helpers/cli-harness.js'
import { cognitoEnv, startTestCognito } from './helpers/cognito.js'
import { startTestApi } from './helpers/real-api.js'

const PASSWORD = 'Correct-horse-1'
const MESSAGES_PER_NODE = 1500

t.test('logs against the real API and batch-local', async (t) => {
  const dir = tempConfigDir(t)
  const job = await runPrintingJob(t, MESSAGES_PER_NODE)
  const cognito = await startTestCognito(t)
  const api = await startTestApi(t, cognito, dir, { cloudWatchLogs: job.logs })
  const env = cognitoEnv(cognito, dir, api.url)
  await cognito.createUser('ada@example.com', PASSWORD)
  const login = await runInProcess(['login', '--username', 'ada@example.com', '--password-stdin'], {
    env,
    stdin: PASSWORD,
  })
  t.equal(login.code, 0, login.stderr)

  /** Submits a 2-node run through the CLI and returns its id. */
  const submit = async () => {
    const result = await runInProcess(
      [
        'submit',
        '--image',
        'registry.example.com/team/train:1.4',
        '--queue',
        'gpu',
        '--nodes',
        '2',
        '--gpus-per-node',
        '8',
        '--timeout',
        '1h',
        '--json',
        '--',
        'python',
        'train.py',
      ],
      { env },
    )
    if (result.code !== 0) throw new Error(`submit failed: ${result.stderr}`)
    return JSON.parse(result.stdout).runId as string
  }

  /** Moves the run to RUNNING on the batch-local job, with its log streams, as the worker does. */
  const startOnJob = async (runId: string) => {
    await api.runs.claimQueued(runId, 'test-worker', 60_000)
    await api.runs.recordSubmission(runId, 'test-worker', {
      jobId: job.jobId,
      jobName: `trainplane-${runId}`,
    })
    const at = new Date().toISOString()
    return api.runs.transition(
      runId,
      { status: 'SUBMITTED', attempt: 1 },
      {
        status: 'RUNNING',
        attempt: 1,
        at,
        details: {
          startedAt: at,
          logStreams: job.streams,
          logStreamsByAttempt: { '1': job.streams },
        },
      },
    )
  }

  t.test('follow prints every line once and exits with the outcome', async (t) => {
    const runId = await submit()
    const running = await startOnJob(runId)
    let ended = false
    /** Ends the run in the CLI's first wait for new lines, as the worker would record it. */
    const endRunOnce = async () => {
      if (ended) return
      ended = true
      const at = new Date().toISOString()
      await api.runs.transition(runId, running, {
        status: 'SUCCEEDED',
        attempt: 1,
        at,
        details: { endReason: 'COMPLETED', exitCode: 0, endedAt: at },
      })
    }

    for (const node of [0, 1]) {
      let sleeps = 0
      const result = await runInProcess(
        ['logs', runId, '--node', String(node), '--follow', '--json', '--interval', '0.5'],
        {
          env,
          sleep: async () => {
            sleeps++
            await endRunOnce()
          },
        },
      )
      const messages = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).message)

      t.equal(result.code, 0, result.stderr)
      t.strictSame(messages, nodeMessages(node, MESSAGES_PER_NODE), `node ${node}: every line once`)
      t.match(result.stderr, /ended SUCCEEDED/, `node ${node}: the outcome on stderr`)
      t.equal(sleeps, node === 0 ? 1 : 0, `node ${node}: waits only while the run runs`)
    }
  })

  t.test('queued run prints no lines', async (t) => {
    const runId = await submit()

    const result = await runInProcess(['logs', runId, '--node', '1'], { env })

    t.equal(result.code, 0, result.stderr)
    t.equal(result.stdout, '')
    t.match(result.stderr, /has no Batch job yet \(status QUEUED\)/)
  })

  t.test('follow of a run cancelled before its job exits 4', async (t) => {
    const runId = await submit()
    const cancel = await runInProcess(['cancel', runId], { env })

    const result = await runInProcess(['logs', runId, '--follow'], { env })

    t.equal(cancel.code, 0, cancel.stderr)
    t.equal(result.code, 4, result.stderr)
    t.equal(result.stdout, '')
    t.match(result.stderr, /ended CANCELLED/)
  })

  t.test('invalid node is a usage error', async (t) => {
    const result = await runInProcess(['logs', 'run-x', '--node', 'two'], { env })

    t.equal(result.code, 2)
    t.match(result.stderr, /--node "two" is invalid/)
  })
})
