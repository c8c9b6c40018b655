import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { childNodeVariables, mainNodeVariables, startEntrypoint } from './helpers/entrypoint.js'
import { freePort } from './helpers/free-port.js'
import { waitFor, within } from './helpers/processes.js'

/**
 * Builds a training stand-in. It writes `ready-<LOCAL_RANK>`, then loops until SIGTERM, when it
 * writes `stopped-<LOCAL_RANK>` and exits 0. With `ignoreTerm` it never stops by itself.
 */
function stoppableCommand(directory: string, ignoreTerm = false): string[] {
  const onTerm = ignoreTerm ? '' : 'touch "$1/stopped-$LOCAL_RANK"; exit 0'
  const script = `trap '${onTerm}' TERM; touch "$1/ready-$LOCAL_RANK"; while :; do sleep 0.05; done`
  return ['bash', '-c', script, 'stand-in', directory]
}

t.test('SIGTERM reaches every training process', async (t) => {
  const directory = t.testdir()
  const variables = mainNodeVariables({ RUN_GPUS_PER_NODE: '2', TRAINER_LAUNCHER: 'processes' })
  const run = startEntrypoint(t.teardown, variables, stoppableCommand(directory))
  await waitFor('both processes to start', () =>
    [0, 1].every((rank) => existsSync(join(directory, `ready-${rank}`))),
  )

  run.child.kill('SIGTERM')
  const result = await within(run.finished, 30_000, 'the entrypoint')

  t.equal(result.code, 143, 'exits 128 + SIGTERM')
  t.ok(existsSync(join(directory, 'stopped-0')), 'local rank 0 received SIGTERM')
  t.ok(existsSync(join(directory, 'stopped-1')), 'local rank 1 received SIGTERM')
  t.match(result.stderr, /received SIGTERM; forwarding it to the training processes/)
})

t.test('SIGINT is forwarded as well', async (t) => {
  const directory = t.testdir()
  const script = `trap 'touch "$1/interrupted"; exit 0' INT; touch "$1/ready-0"; while :; do sleep 0.05; done`
  const run = startEntrypoint(t.teardown, mainNodeVariables(), [
    'bash',
    '-c',
    script,
    'stand-in',
    directory,
  ])
  await waitFor('the process to start', () => existsSync(join(directory, 'ready-0')))

  run.child.kill('SIGINT')
  const result = await within(run.finished, 30_000, 'the entrypoint')

  t.equal(result.code, 130, 'exits 128 + SIGINT')
  t.ok(existsSync(join(directory, 'interrupted')), 'the process received SIGINT')
})

t.test('process that ignores SIGTERM is killed after the grace period', async (t) => {
  const directory = t.testdir()
  const variables = mainNodeVariables({ TRAINER_STOP_GRACE_SECONDS: '1' })
  const run = startEntrypoint(t.teardown, variables, stoppableCommand(directory, true))
  await waitFor('the process to start', () => existsSync(join(directory, 'ready-0')))

  run.child.kill('SIGTERM')
  const result = await within(run.finished, 30_000, 'the entrypoint')

  t.equal(result.code, 143)
  t.match(result.stderr, /training processes did not stop within 1 s; killing them/)
})

t.test('failed process stops the others on its node', async (t) => {
  const directory = t.testdir()
  // Local rank 1 fails once local rank 0 has installed its SIGTERM trap.
  const script = [
    'if [ "$LOCAL_RANK" = 1 ]; then',
    '  while [ ! -e "$1/ready-0" ]; do sleep 0.05; done',
    '  exit 3',
    'fi',
    `trap 'touch "$1/stopped-0"; exit 0' TERM`,
    'touch "$1/ready-0"',
    'while :; do sleep 0.05; done',
  ].join('\n')
  const variables = mainNodeVariables({ RUN_GPUS_PER_NODE: '2', TRAINER_LAUNCHER: 'processes' })

  const run = startEntrypoint(t.teardown, variables, ['bash', '-c', script, 'stand-in', directory])
  const result = await within(run.finished, 30_000, 'the entrypoint')

  t.equal(result.code, 3, "exits with the failed process's status")
  t.ok(existsSync(join(directory, 'stopped-0')), 'the other process was stopped')
  t.match(result.stderr, /a training process failed pid=\d+ exit_status=3; stopping the others/)
})

t.test('SIGTERM while waiting for the main node ends the wait', async (t) => {
  const directory = t.testdir()
  const port = await freePort()
  const run = startEntrypoint(t.teardown, childNodeVariables(port), [
    'touch',
    join(directory, 'command-ran'),
  ])
  await waitFor('the entrypoint to wait for the main node', () =>
    run.output.stderr.includes("waiting for the main node's rendezvous port"),
  )

  run.child.kill('SIGTERM')
  const result = await within(run.finished, 30_000, 'the entrypoint')

  t.equal(result.code, 143)
  t.match(result.stderr, /received SIGTERM before the training started/)
  t.notOk(existsSync(join(directory, 'command-ran')))
})
