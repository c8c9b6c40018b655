import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runBinary, runInProcess, tempConfigDir } from './helpers/cli-harness.js'
import { cognitoEnv, startTestCognito } from './helpers/cognito.js'
import { finishRunAs, startTestApi, TEST_QUEUE } from './helpers/real-api.js'

const PASSWORD = 'Correct-horse-1'
const IMAGE = 'registry.example.com/team/train:1.4'

/** Options of a valid submission to the test queue. */
const SUBMIT = [
  'submit',
  '--image',
  IMAGE,
  '--queue',
  'gpu',
  '--nodes',
  '2',
  '--gpus-per-node',
  '8',
  '--timeout',
  '1h',
  '--name',
  'resnet',
]

t.test('commands against the real API', async (t) => {
  const dir = tempConfigDir(t)
  const cognito = await startTestCognito(t)
  const api = await startTestApi(t, cognito, dir)
  const env = cognitoEnv(cognito, dir, api.url)
  await cognito.createUser('ada@example.com', PASSWORD)
  const login = await runInProcess(['login', '--username', 'ada@example.com', '--password-stdin'], {
    env,
    stdin: PASSWORD,
  })
  t.equal(login.code, 0, login.stderr)

  const cli = (args: string[]) => runInProcess(args, { env })

  /** Submits a valid run and returns its id. */
  const submit = async (...extra: string[]) => {
    const result = await cli([...SUBMIT, '--json', ...extra, '--', 'python', 'train.py'])
    if (result.code !== 0) throw new Error(`submit failed: ${result.stderr}`)
    return JSON.parse(result.stdout).runId as string
  }

  t.test('queues table and JSON', async (t) => {
    const table = await cli(['queues'])
    const json = await cli(['queues', '--json'])

    t.equal(table.code, 0, table.stderr)
    t.match(
      table.stdout,
      /^NAME\s+MAX NODES\s+GPUS\/NODE\s+MAX TIMEOUT\s+USD\/GPU-HOUR\s+SPOT\s+DESCRIPTION\n/,
    )
    t.match(table.stdout, /\ngpu\s+4\s+8\s+1d\s+2\.5\s+no\s+test queue\n$/)
    t.equal(JSON.parse(json.stdout).items[0].name, TEST_QUEUE.name)
  })

  t.test('whoami shows the user', async (t) => {
    const result = await cli(['whoami', '--json'])

    t.equal(result.code, 0, result.stderr)
    const me = JSON.parse(result.stdout)
    t.type(me.userId, 'string')
    t.equal(me.isAdmin, false)
  })

  t.test('submit prints the run', async (t) => {
    const file = join(dir, 'run.yaml')
    writeFileSync(
      file,
      `image: ${IMAGE}\ncommand: [python, train.py]\nnodes: 1\ngpusPerNode: 8\nqueue: gpu\ntimeoutSeconds: 600\nhyperparameters:\n  lr: 0.001\n`,
    )

    const table = await cli(['submit', '--file', file, '--name', 'from-file'])
    const json = await cli([...SUBMIT, '--json', '--hp', 'lr=0.01', '--', 'python', 'train.py'])

    t.equal(table.code, 0, table.stderr)
    t.match(
      table.stdout,
      /^Submitted run run-[0-9a-z]{26} \(QUEUED\) to queue gpu, 1x8 GPUs\.\nFollow it with: trainplane watch run-[0-9a-z]{26}\n$/,
    )
    t.equal(json.code, 0, json.stderr)
    const run = JSON.parse(json.stdout)
    t.equal(run.status, 'QUEUED')
    t.same(run.spec.command, ['python', 'train.py'])
    t.same(run.spec.hyperparameters, { lr: 0.01 })
    t.equal(run.spec.timeoutSeconds, 3600)
    t.equal(run.history.length, 1)
  })

  t.test('submit rejected by the API', async (t) => {
    const result = await cli([
      ...SUBMIT.map((argument) => (argument === IMAGE ? 'docker.io/library/python:3' : argument)),
      '--nodes',
      '9',
      '--',
      'python',
    ])

    t.equal(result.code, 1)
    t.equal(result.stdout, '')
    t.match(result.stderr, /^error: .* \(API_ERR_RUN_NOT_ALLOWED_ON_QUEUE\)\n/)
    t.match(result.stderr, /\n {2}\/nodes: queue gpu allows at most 4 nodes; 9 requested\n/)
    t.match(
      result.stderr,
      /\n {2}\/image: image docker\.io\/library\/python:3 is not allowed on queue gpu/,
    )
  })

  t.test('unknown queue names the field', async (t) => {
    const result = await cli([...SUBMIT.map((a) => (a === 'gpu' ? 'tpu' : a)), '--', 'python'])

    t.equal(result.code, 1)
    t.match(
      result.stderr,
      /^error: queue "tpu" not found; GET \/v1\/queues lists the queues you can submit to \(API_ERR_QUEUE_NOT_FOUND\)\n/,
    )
    t.match(result.stderr, /\n {2}field: \/queue\n$/)
  })

  t.test('same idempotency key returns the same run', async (t) => {
    const first = await submit('--idempotency-key', 'retry-key-1')
    const second = await submit('--idempotency-key', 'retry-key-1')
    const conflict = await cli([
      ...SUBMIT,
      '--idempotency-key',
      'retry-key-1',
      '--',
      'python',
      'other.py',
    ])

    t.equal(second, first)
    t.equal(conflict.code, 1)
    t.match(conflict.stderr, /\(API_ERR_IDEMPOTENCY_CONFLICT\)/)
  })

  t.test('runs table, JSON and pages', async (t) => {
    const newest = await submit()

    const table = await cli(['runs'])
    const json = await cli(['runs', '--json', '--limit', '1'])
    const page = JSON.parse(json.stdout)
    const next = await cli(['runs', '--limit', '1', '--cursor', page.nextCursor])
    const queued = await cli(['runs', '--status', 'queued', '--json'])
    const badLimit = await cli(['runs', '--limit', '500'])

    t.equal(table.code, 0, table.stderr)
    const lines = table.stdout.trimEnd().split('\n')
    t.match(lines[0], /^RUN ID\s+NAME\s+STATUS\s+QUEUE\s+NODES X GPUS\s+CREATED\s+END REASON$/)
    t.match(
      lines[1],
      new RegExp(
        `^${newest}\\s+resnet\\s+QUEUED\\s+gpu\\s+2x8\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+-$`,
      ),
    )
    t.equal(page.items.length, 1)
    t.equal(page.items[0].runId, newest)
    t.type(page.nextCursor, 'string')
    t.equal(next.code, 0, next.stderr)
    t.notMatch(next.stdout, newest)
    t.match(next.stderr, /^More items: repeat the command with --cursor \S+\n$/)
    t.ok(
      JSON.parse(queued.stdout).items.every((run: { status: string }) => run.status === 'QUEUED'),
    )
    t.equal(badLimit.code, 2)
    t.match(badLimit.stderr, /option --limit 500 is out of range; use 1 to 100/)
  })

  t.test('status shows the history', async (t) => {
    const runId = await submit()
    await finishRunAs(api.runs, runId, 'FAILED')

    const result = await cli(['status', runId])
    const json = await cli(['status', runId, '--json'])

    t.equal(result.code, 0, result.stderr)
    t.match(result.stdout, new RegExp(`^Run:\\s+${runId}\n`))
    t.match(result.stdout, /\nStatus:\s+FAILED \(attempt 1\)\n/)
    t.match(result.stdout, /\nCommand:\s+python train\.py\n/)
    t.match(result.stdout, /\nEnd reason:\s+APPLICATION_ERROR\n/)
    t.match(result.stdout, /\nExit code:\s+1\n/)
    const history = result.stdout.split('History:\n')[1]?.trimEnd().split('\n') ?? []
    t.match(history[0], /^AT\s+STATUS\s+ATTEMPT\s+REASON$/)
    t.same(
      history.slice(1).map((line) => line.split(/\s+/)[1]),
      ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'RUNNING', 'FAILED'],
    )
    t.equal(JSON.parse(json.stdout).history.length, 5)
  })

  t.test('status of an unknown run', async (t) => {
    const missing = await cli(['status', 'run-00000000000000000000000000'])
    const malformed = await cli(['status', 'a/b'])

    t.equal(missing.code, 1)
    t.match(
      missing.stderr,
      /^error: run run-0+ not found; GET \/v1\/runs lists your runs \(API_ERR_RUN_NOT_FOUND\)\n$/,
    )
    t.equal(malformed.code, 2)
    t.match(malformed.stderr, /run id "a\/b" is invalid/)
  })

  t.test('watch exit codes', async (t) => {
    const succeeded = await submit()
    const failed = await submit()
    await finishRunAs(api.runs, succeeded, 'SUCCEEDED')
    await finishRunAs(api.runs, failed, 'FAILED')

    const ok = await cli(['watch', succeeded, '--interval', '0.5'])
    // A real child process, so the test checks the exit code a shell script gets.
    const bad = await runBinary(['watch', failed, '--json'], { env })

    t.equal(ok.code, 0, ok.stderr)
    const lines = ok.stdout.trimEnd().split('\n')
    t.match(lines[0], /Z {2}QUEUED$/)
    t.match(lines.at(-2), /Z {2}SUCCEEDED {2}attempt 1 {2}Essential container in task exited$/)
    t.equal(lines.at(-1), `run ${succeeded} ended SUCCEEDED: COMPLETED, exit code 0`)
    t.equal(bad.code, 3)
    t.equal(JSON.parse(bad.stdout).status, 'FAILED')
    t.match(
      bad.stderr,
      new RegExp(
        `run ${failed} ended FAILED: APPLICATION_ERROR, exit code 1, train\\.py exited with code 1\\n$`,
      ),
    )
  })

  t.test('submit --wait follows the run to its end', async (t) => {
    const name = `wait-${Date.now()}`
    const waiting = cli([
      ...SUBMIT,
      '--name',
      name,
      '--wait',
      '--interval',
      '0.5',
      '--',
      'python',
      'train.py',
    ])
    const runId = await findQueuedRun(name)
    await finishRunAs(api.runs, runId, 'FAILED')

    const result = await waiting

    t.equal(result.code, 3, result.stderr)
    t.match(result.stdout, new RegExp(`^Submitted run ${runId} \\(QUEUED\\)`))
    t.match(result.stdout, /Z {2}RUNNING {2}attempt 1\n/)
    t.match(result.stdout, new RegExp(`run ${runId} ended FAILED: APPLICATION_ERROR`))
  })

  t.test('cancel a queued run', async (t) => {
    const runId = await submit()

    const cancelled = await cli(['cancel', runId])
    const watched = await cli(['watch', runId])
    const again = await cli(['cancel', runId])
    const waited = await cli(['cancel', await submit(), '--wait', '--json'])

    t.equal(cancelled.code, 0, cancelled.stderr)
    t.equal(cancelled.stdout, `Run ${runId} is CANCELLED.\n`)
    t.equal(watched.code, 4)
    t.match(watched.stdout, /CANCELLED {2}cancelled before submission\n/)
    t.equal(again.code, 1)
    t.match(
      again.stderr,
      /already ended with status CANCELLED and cannot be cancelled \(API_ERR_RUN_FINISHED\)/,
    )
    t.equal(waited.code, 4)
    t.equal(JSON.parse(waited.stdout).status, 'CANCELLED')
  })

  t.test('activity lists actions', async (t) => {
    const result = await cli(['activity', '--limit', '100'])
    const json = await cli(['activity', '--json', '--limit', '100'])

    t.equal(result.code, 0, result.stderr)
    t.match(result.stdout, /^AT\s+ACTION\s+RUN ID\s+SOURCE IP\n/)
    const actions = JSON.parse(json.stdout).items.map((item: { action: string }) => item.action)
    t.ok(actions.includes('run.submit'))
    t.ok(actions.includes('run.cancel'))
  })

  t.test('admins list every user', async (t) => {
    await submit()
    await cognito.createUser('root@example.com', PASSWORD, ['admins'])
    const adminEnv = { ...env, TRAINPLANE_PROFILE: 'admin' }
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        profiles: {
          admin: {
            apiUrl: api.url,
            region: cognito.region,
            userPoolId: cognito.userPoolId,
            clientId: cognito.clientId,
            cognitoEndpoint: cognito.endpoint,
          },
        },
      }),
    )
    await runInProcess(['login', '--username', 'root@example.com', '--password-stdin'], {
      env: adminEnv,
      stdin: PASSWORD,
    })

    const everyone = await runInProcess(['runs', '--all-users'], { env: adminEnv })
    const notAdmin = await cli(['runs', '--all-users'])
    const both = await cli(['runs', '--all-users', '--user', 'someone'])

    t.equal(everyone.code, 0, everyone.stderr)
    t.match(everyone.stdout, /^RUN ID\s+USER\s+NAME\s+STATUS/)
    t.match(everyone.stdout, /\bresnet\b/)
    t.equal(notAdmin.code, 1)
    t.match(notAdmin.stderr, /\(API_ERR_ADMIN_ONLY\)/)
    t.equal(both.code, 2)
    t.match(both.stderr, /use either --user or --all-users, not both/)
  })

  t.test('results not yet reported', async (t) => {
    const runId = await submit()

    const result = await cli(['results', runId])

    t.equal(result.code, 1)
    t.match(result.stderr, /\(API_ERR_RESULTS_NOT_FOUND\)/)
  })

  /** Finds the run a concurrent `submit --wait` created, by its unique name. */
  async function findQueuedRun(name: string): Promise<string> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const page = await api.runs.listByStatus('QUEUED', { limit: 100 })
      const run = page.items.find((item) => item.spec.name === name)
      if (run) return run.runId
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`run ${name} never appeared`)
  }
})
