import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import {
  dumpEnvironmentCommand,
  mainNodeVariables,
  readEnvironmentDump,
  startEntrypoint,
} from './helpers/entrypoint.js'

/** Puts a `hostname` on PATH that prints `output` for `hostname -I`, as on a Batch node. */
async function fakeHostname(directory: string, output: string): Promise<string> {
  const bin = join(directory, 'bin')
  await mkdir(bin, { recursive: true })
  const script = join(bin, 'hostname')
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' '${output}'\n`)
  await chmod(script, 0o755)
  return `${bin}:${process.env.PATH}`
}

t.test('main node starts rank 0 with its own address', async (t) => {
  const dumps = t.testdir()

  const run = startEntrypoint(
    t.teardown,
    mainNodeVariables({ MASTER_PORT: '29501' }),
    dumpEnvironmentCommand(dumps),
  )
  const result = await run.finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 0)
  t.equal(env.MASTER_ADDR, '127.0.0.1')
  t.equal(env.MASTER_PORT, '29501')
  t.equal(env.WORLD_SIZE, '2')
  t.equal(env.RANK, '0')
  t.equal(env.LOCAL_RANK, '0')
  t.equal(env.LOCAL_WORLD_SIZE, '1')
  t.equal(env.GROUP_RANK, '0')
  t.match(result.stderr, /starting node_rank=0 nodes=2 processes_per_node=1 world_size=2/)
  t.notMatch(result.stderr, /waiting for the main node/, 'the main node waits for nobody')
})

t.test('main node on the loopback keeps NCCL and gloo on lo', async (t) => {
  const dumps = t.testdir()

  const result = await startEntrypoint(
    t.teardown,
    mainNodeVariables(),
    dumpEnvironmentCommand(dumps),
  ).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 0)
  t.equal(env.NCCL_SOCKET_IFNAME, 'lo')
  t.equal(env.GLOO_SOCKET_IFNAME, 'lo')
})

t.test('main node finds its private address with hostname -I', async (t) => {
  const directory = t.testdir({ dumps: {} })
  const path = await fakeHostname(directory, 'fd00::5 169.254.172.2 10.0.3.17 172.17.0.1')
  const variables = mainNodeVariables({ PATH: path })
  delete variables.TRAINER_NODE_ADDRESS

  const result = await startEntrypoint(
    t.teardown,
    variables,
    dumpEnvironmentCommand(join(directory, 'dumps')),
  ).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(join(directory, 'dumps'), 0)
  t.equal(env.MASTER_ADDR, '10.0.3.17', 'the first IPv4 address that is not link-local wins')
  t.equal(env.NCCL_SOCKET_IFNAME, '^lo,docker,ecs', 'NCCL avoids loopback, docker and ECS')
  t.equal(env.GLOO_SOCKET_IFNAME, undefined, 'gloo chooses its own interface')
})

t.test('main node keeps an NCCL_SOCKET_IFNAME the job sets', async (t) => {
  const dumps = t.testdir()
  const variables = mainNodeVariables({
    TRAINER_NODE_ADDRESS: '10.0.3.17',
    NCCL_SOCKET_IFNAME: '=eth1',
  })

  const result = await startEntrypoint(t.teardown, variables, dumpEnvironmentCommand(dumps))
    .finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 0)
  t.equal(env.NCCL_SOCKET_IFNAME, '=eth1')
})

t.test('single node defaults to the loopback address', async (t) => {
  const dumps = t.testdir()
  const variables = mainNodeVariables({ AWS_BATCH_JOB_NUM_NODES: '1' })
  delete variables.TRAINER_NODE_ADDRESS

  const result = await startEntrypoint(t.teardown, variables, dumpEnvironmentCommand(dumps))
    .finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 0)
  t.equal(env.MASTER_ADDR, '127.0.0.1')
  t.equal(env.WORLD_SIZE, '1')
})

t.test('main node with index 2 of 3 is node rank 0', async (t) => {
  const dumps = t.testdir()
  const variables = mainNodeVariables({
    AWS_BATCH_JOB_NUM_NODES: '3',
    AWS_BATCH_JOB_NODE_INDEX: '2',
    AWS_BATCH_JOB_MAIN_NODE_INDEX: '2',
  })

  const result = await startEntrypoint(t.teardown, variables, dumpEnvironmentCommand(dumps))
    .finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 0)
  t.equal(env.RANK, '0')
  t.equal(env.WORLD_SIZE, '3')
})

t.test('main node starts one process per GPU', async (t) => {
  const dumps = t.testdir()
  const variables = mainNodeVariables({ RUN_GPUS_PER_NODE: '2', TRAINER_LAUNCHER: 'processes' })

  const result = await startEntrypoint(t.teardown, variables, dumpEnvironmentCommand(dumps))
    .finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const first = await readEnvironmentDump(dumps, 0)
  const second = await readEnvironmentDump(dumps, 1)
  t.equal(first.RANK, '0')
  t.equal(second.RANK, '1')
  t.equal(first.WORLD_SIZE, '4')
  t.equal(second.WORLD_SIZE, '4')
  t.equal(second.LOCAL_WORLD_SIZE, '2')
})
