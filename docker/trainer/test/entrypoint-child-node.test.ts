import { once } from 'node:events'
import { createServer, type Server } from 'node:net'
import t from 'tap'
import {
  childNodeVariables,
  dumpEnvironmentCommand,
  readEnvironmentDump,
  startEntrypoint,
} from './helpers/entrypoint.js'
import { freePort } from './helpers/free-port.js'
import { waitFor } from './helpers/processes.js'

/** Starts a TCP server on 127.0.0.1 in place of the main node's rendezvous port. */
async function listenAsMainNode(
  teardown: (fn: () => Promise<void>) => void,
  port = 0,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy())
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  teardown(async () => {
    server.close()
    await once(server, 'close')
  })
  const address = server.address()
  if (!address || typeof address !== 'object') throw new Error('server has no address')
  return { server, port: address.port }
}

t.test('child node joins the main node with rank 1', async (t) => {
  const dumps = t.testdir()
  const main = await listenAsMainNode(t.teardown)

  const result = await startEntrypoint(
    t.teardown,
    childNodeVariables(main.port),
    dumpEnvironmentCommand(dumps),
  ).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 0)
  t.equal(
    env.MASTER_ADDR,
    '127.0.0.1',
    'main address from AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS',
  )
  t.equal(env.MASTER_PORT, String(main.port))
  t.equal(env.RANK, '1')
  t.equal(env.LOCAL_RANK, '0')
  t.equal(env.WORLD_SIZE, '2')
  t.equal(env.GROUP_RANK, '1')
  t.match(result.stderr, /main node reachable address=127\.0\.0\.1/)
})

t.test('child node ranks follow the main node index', async (t) => {
  const dumps = t.testdir()
  const main = await listenAsMainNode(t.teardown)
  const variables = childNodeVariables(main.port, {
    AWS_BATCH_JOB_NUM_NODES: '3',
    AWS_BATCH_JOB_NODE_INDEX: '0',
    AWS_BATCH_JOB_MAIN_NODE_INDEX: '1',
    RUN_GPUS_PER_NODE: '2',
    TRAINER_LAUNCHER: 'processes',
  })

  const result = await startEntrypoint(t.teardown, variables, dumpEnvironmentCommand(dumps))
    .finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const first = await readEnvironmentDump(dumps, 0)
  const second = await readEnvironmentDump(dumps, 1)
  t.equal(first.GROUP_RANK, '2', 'node index 0 is node rank 2 when the main node is index 1')
  t.equal(first.RANK, '4')
  t.equal(second.RANK, '5')
  t.equal(second.WORLD_SIZE, '6')
})

t.test('child node waits until the main node opens its port', async (t) => {
  const dumps = t.testdir()
  const port = await freePort()

  const run = startEntrypoint(t.teardown, childNodeVariables(port), dumpEnvironmentCommand(dumps))
  await waitFor('the entrypoint to wait for the main node', () =>
    run.output.stderr.includes("waiting for the main node's rendezvous port"),
  )
  await listenAsMainNode(t.teardown, port)
  const result = await run.finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  const env = await readEnvironmentDump(dumps, 0)
  t.equal(env.RANK, '1')
})
