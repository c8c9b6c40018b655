#!/usr/bin/env node
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LOCAL_PROFILE } from './cli-profile.js'
import { REPO_ROOT } from './settings.js'

/**
 * The demo: submits the DDP digits example as a 2-node run through the CLI against the running
 * local stack, waits for it to end, then prints its status history and results. It signs in
 * as the demo user first, with the credentials `npm start` stored.
 */
const cli = join(REPO_ROOT, 'apps/cli/dist/main.js')
const runFile = join(REPO_ROOT, 'examples/ddp-digits/run.local.yaml')
const dataDir = process.env.TRAINPLANE_LOCAL_DIR || join(REPO_ROOT, '.local')

function trainplane(args: string[], input?: string): { status: number; stdout: string } {
  const result = spawnSync(process.execPath, [cli, '--profile', LOCAL_PROFILE, ...args], {
    input,
    encoding: 'utf8',
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
  })
  return { status: result.status ?? 1, stdout: result.stdout }
}

function main(): number {
  const statePath = join(dataDir, 'state.json')
  if (!existsSync(statePath)) {
    process.stderr.write(
      `no local stack state in ${dataDir}; start the platform with \`npm start\` first\n`,
    )
    return 1
  }
  const { demo } = (
    JSON.parse(readFileSync(statePath, 'utf8')) as {
      cognito: { demo: { email: string; password: string } }
    }
  ).cognito

  const login = trainplane(
    ['login', '--username', demo.email, '--password-stdin'],
    `${demo.password}\n`,
  )
  if (login.status !== 0) return login.status
  process.stdout.write(login.stdout)

  const submitted = trainplane(['submit', '-f', runFile, '--json'])
  if (submitted.status !== 0) return submitted.status
  const { runId } = JSON.parse(submitted.stdout) as { runId: string }
  process.stdout.write(
    `Submitted the DDP digits example as run ${runId}; waiting for it to end.\n\n`,
  )

  const watched = spawnSync(
    process.execPath,
    [cli, '--profile', LOCAL_PROFILE, 'watch', runId, '--interval', '1'],
    {
      stdio: 'inherit',
    },
  )

  process.stdout.write('\n')
  spawnSync(process.execPath, [cli, '--profile', LOCAL_PROFILE, 'status', runId], {
    stdio: 'inherit',
  })
  process.stdout.write('\n')
  spawnSync(process.execPath, [cli, '--profile', LOCAL_PROFILE, 'results', runId], {
    stdio: 'inherit',
  })
  return watched.status ?? 1
}

process.exit(main())
