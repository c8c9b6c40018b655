import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'

const repoRoot = join(import.meta.dirname, '..', '..', '..')
const main = join(repoRoot, 'packages/local-stack/dist/main.js')
const cli = join(repoRoot, 'apps/cli/dist/main.js')

/** Parent of every process, from /proc, to find what the stack started. */
function parentIds(): Map<number, number> {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parents.set(Number(entry), Number(fields[1]))
    } catch {
      // The process ended while the table was read.
    }
  }
  return parents
}

function descendantsOf(root: number): number[] {
  const parents = parentIds()
  const found: number[] = []
  let frontier = [root]
  while (frontier.length > 0) {
    const next: number[] = []
    for (const [pid, parent] of parents) {
      if (frontier.includes(parent)) next.push(pid)
    }
    found.push(...next)
    frontier = next
  }
  return found
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false
  }
}

/** Reads the stack's banner until it says it is running, and returns the printed lines. */
function waitForBanner(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Press Ctrl-C to stop.')) resolve(output)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) =>
      reject(new Error(`the local stack exited with code ${code}:\n${output}`)),
    )
  })
}

function field(banner: string, pattern: RegExp): string {
  const match = pattern.exec(banner)
  if (!match?.[1]) throw new Error(`banner lacks ${pattern}:\n${banner}`)
  return match[1]
}

t.test('main job runs end to end on the local stack', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'trainplane-e2e-'))
  const env = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TRAINPLANE_LOCAL_DIR: join(home, 'data'),
    TRAINPLANE_CONFIG_DIR: join(home, 'config'),
    TRAINPLANE_API_PORT: '0',
    TRAINPLANE_DYNAMODB_PORT: '0',
    TRAINPLANE_COGNITO_PORT: '0',
    TRAINPLANE_BATCH_PORT: '0',
    TRAINPLANE_LAMBDA_PORT: '0',
    TRAINPLANE_SNS_PORT: '0',
  }
  const stack = spawn(process.execPath, [main, '--quiet'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    if (stack.exitCode === null) stack.kill('SIGKILL')
    rmSync(home, { recursive: true, force: true })
  })
  const banner = await waitForBanner(stack)
  const cognitoEndpoint = field(banner, /Cognito\s+(\S+)/)
  const clientId = field(banner, /client (\S+)\)/)
  const userPoolId = field(banner, /\(pool (\S+),/)

  const trainplane = (args: string[], input?: string) => {
    const result = spawnSync(process.execPath, [cli, ...args], {
      env,
      input,
      encoding: 'utf8',
      timeout: 300_000,
    })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  // A new researcher signs up; the confirmation runs the post-confirmation trigger.
  const cognito = new CognitoIdentityProviderClient({
    endpoint: cognitoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => cognito.destroy())
  const email = 'grace@example.com'
  const password = 'Correct-Horse-42!'
  await cognito.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  )
  await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }))

  const login = trainplane(['login', '--username', email, '--password-stdin'], `${password}\n`)
  t.equal(login.status, 0, `login: ${login.stderr}`)

  const submitted = trainplane([
    'submit',
    '-f',
    join(repoRoot, 'examples/ddp-digits/run.local.yaml'),
    '--hp',
    'epochs=3',
    '--wait',
    '--interval',
    '1',
    '--json',
  ])
  t.equal(submitted.status, 0, `submit --wait: ${submitted.stderr}`)

  const runs = JSON.parse(trainplane(['runs', '--json']).stdout) as { items: { runId: string }[] }
  t.equal(runs.items.length, 1, 'the new user has one run')
  const runId = runs.items[0]?.runId ?? ''

  const status = JSON.parse(trainplane(['status', runId, '--json']).stdout) as {
    status: string
    history: { status: string }[]
  }
  t.equal(status.status, 'SUCCEEDED')
  t.same(
    status.history
      .map((entry) => entry.status)
      .filter((value) => ['QUEUED', 'RUNNING', 'SUCCEEDED'].includes(value)),
    ['QUEUED', 'RUNNING', 'SUCCEEDED'],
  )

  const results = JSON.parse(trainplane(['results', runId, '--json']).stdout) as {
    results: Record<string, unknown>
  }
  t.type(results.results.test_accuracy, 'number', 'final results were reported')
  t.ok(Number(results.results.test_accuracy) > 0.8, 'the model learned')

  const metrics = JSON.parse(trainplane(['metrics', runId, '--json']).stdout) as {
    items: { name: string }[]
  }
  t.ok(metrics.items.length > 0, 'metric points were reported')

  const activity = JSON.parse(trainplane(['activity', '--json']).stdout) as {
    items: { action: string; runId?: string }[]
  }
  t.ok(
    activity.items.some((item) => item.runId === runId),
    'the submission is in the activity',
  )

  const started = descendantsOf(stack.pid ?? 0)
  t.ok(started.length >= 4, `the stack started its processes (${started.length})`)
  stack.kill('SIGINT')
  const code = await new Promise<number | null>((resolve) => {
    if (stack.exitCode !== null) resolve(stack.exitCode)
    else stack.once('exit', resolve)
  })

  t.equal(code, 0)
  t.same(started.filter(isAlive), [], 'no process is left behind')
})
