import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import {
  dumpEnvironmentCommand,
  mainNodeVariables,
  readEnvironmentDump,
  startEntrypoint,
} from './helpers/entrypoint.js'

/** Writes a torchrun stand-in that records its arguments, one a line, and exits 0. */
async function fakeTorchrun(directory: string): Promise<string> {
  const path = join(directory, 'torchrun')
  await writeFile(path, `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(directory, 'torchrun-args')}'\n`)
  await chmod(path, 0o755)
  return path
}

t.test('several GPUs a node start torchrun', async (t) => {
  const directory = t.testdir()
  const torchrun = await fakeTorchrun(directory)
  const variables = mainNodeVariables({
    RUN_GPUS_PER_NODE: '4',
    TRAINER_TORCHRUN: torchrun,
    MASTER_PORT: '29502',
  })

  const result = await startEntrypoint(t.teardown, variables, ['python', 'train.py', '--fast'])
    .finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const args = (await readFile(join(directory, 'torchrun-args'), 'utf8')).trim().split('\n')
  t.same(args, [
    '--nnodes=2',
    '--node_rank=0',
    '--nproc_per_node=4',
    '--master_addr=127.0.0.1',
    '--master_port=29502',
    '--max_restarts=0',
    '--no_python',
    'python',
    'train.py',
    '--fast',
  ])
})

t.test('one process a node needs no torchrun', async (t) => {
  const directory = t.testdir({ dumps: {} })
  const torchrun = await fakeTorchrun(directory)
  const variables = mainNodeVariables({ TRAINER_TORCHRUN: torchrun })

  const result = await startEntrypoint(
    t.teardown,
    variables,
    dumpEnvironmentCommand(join(directory, 'dumps')),
  ).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.match(result.stderr, /launcher=processes/)
  const env = await readEnvironmentDump(join(directory, 'dumps'), 0)
  t.equal(env.RANK, '0')
})

t.test('GPUs without torchrun use the own launcher', async (t) => {
  const dumps = t.testdir()
  const variables = mainNodeVariables({
    RUN_GPUS_PER_NODE: '2',
    TRAINER_TORCHRUN: '/nonexistent/torchrun',
  })

  const result = await startEntrypoint(t.teardown, variables, dumpEnvironmentCommand(dumps))
    .finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.match(result.stderr, /launcher=processes/)
  const second = await readEnvironmentDump(dumps, 1)
  t.equal(second.RANK, '1')
})

t.test('entrypoint inside the entrypoint runs the command as it is', async (t) => {
  const dumps = t.testdir()
  const variables = { TRAINER_ENTRYPOINT_ACTIVE: '1', RANK: '3', LOCAL_RANK: '1' }

  const result = await startEntrypoint(t.teardown, variables, dumpEnvironmentCommand(dumps))
    .finished

  t.equal(result.code, 0, 'exits 0 without any Batch variable', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 1)
  t.equal(env.RANK, '3', 'the outer launcher set the rank')
  t.equal(result.stderr, '', 'the inner entrypoint logs nothing')
})

t.test('command exit status is the entrypoint exit status', async (t) => {
  const result = await startEntrypoint(t.teardown, mainNodeVariables(), ['bash', '-c', 'exit 7'])
    .finished

  t.equal(result.code, 7)
})
