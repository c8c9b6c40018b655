import { RegisterJobDefinitionCommand } from '@aws-sdk/client-batch'
import type { Queue } from '@trainplane/shared'
import t from 'tap'
import { inspectJobDefinitions } from '../src/batch/job-definitions.js'
import { JobDefinitionMismatchError } from '../src/errors.js'
import { startTestBatch, TEST_CATALOG, TEST_QUEUES } from './helpers/batch.js'

const container = (sharedMemorySize?: number) => ({
  image: 'local/trainer:1',
  command: ['true'],
  resourceRequirements: [
    { type: 'VCPU' as const, value: '1' },
    { type: 'MEMORY' as const, value: '512' },
  ],
  ...(sharedMemorySize !== undefined && { linuxParameters: { sharedMemorySize } }),
})

function queueWith(overrides: Partial<Queue>): Queue {
  return { ...TEST_QUEUES.cpu, ...overrides }
}

t.test('test catalog passes with its job types', async (t) => {
  const { batch } = await startTestBatch(t)

  const types = await inspectJobDefinitions(batch, TEST_CATALOG)

  t.strictSame(Object.fromEntries(types), {
    cpu: 'multinode',
    held: 'multinode',
    fair: 'multinode',
    single: 'container',
  })
})

t.test('mismatched job definitions stop the start', async (t) => {
  const { batch } = await startTestBatch(t)
  const register = (name: string, body: object) =>
    batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: name, ...body } as never))
  await register('small-shm', {
    type: 'multinode',
    nodeProperties: {
      numNodes: 1,
      mainNode: 0,
      nodeRangeProperties: [{ targetNodes: '0:', container: container(64) }],
    },
  })
  await register('main-one', {
    type: 'multinode',
    nodeProperties: {
      numNodes: 2,
      mainNode: 1,
      nodeRangeProperties: [{ targetNodes: '0:', container: container(4096) }],
    },
  })
  await register('closed-range', {
    type: 'multinode',
    nodeProperties: {
      numNodes: 3,
      mainNode: 0,
      nodeRangeProperties: [
        { targetNodes: '0:1', container: container(4096) },
        { targetNodes: '2:', container: container(4096) },
      ],
    },
  })
  await register('plain', { type: 'container', containerProperties: container(4096) })

  const cases: Array<[string, Queue, RegExp]> = [
    [
      'missing',
      queueWith({ jobDefinition: 'nowhere' }),
      /nowhere of queue cpu was not found as an ACTIVE job definition/,
    ],
    [
      'small /dev/shm',
      queueWith({ jobDefinition: 'small-shm' }),
      /a \/dev\/shm of 64 MiB; set linuxParameters.sharedMemorySize to at least 2048/,
    ],
    ['main node 1', queueWith({ jobDefinition: 'main-one' }), /has main node 1/],
    [
      'closed node range',
      queueWith({ jobDefinition: 'closed-range' }),
      /has node range 0:1; use open ranges/,
    ],
    [
      'container for many nodes',
      queueWith({ jobDefinition: 'plain' }),
      /container job definition, but the queue allows 4 nodes/,
    ],
    [
      'multi-node on Spot',
      queueWith({ jobDefinition: 'trainplane-mnp', spot: true, maxNodes: 1 }),
      /cannot run on Spot/,
    ],
    [
      'no /dev/shm size',
      queueWith({ jobDefinition: 'plain', maxNodes: 1, sharedMemoryMiB: 8192 }),
      /\/dev\/shm of 4096 MiB/,
    ],
  ]
  for (const [label, queue, message] of cases) {
    await t.rejects(
      inspectJobDefinitions(batch, { queues: [queue] }),
      JobDefinitionMismatchError,
      label,
    )
    await t.rejects(
      inspectJobDefinitions(batch, { queues: [queue] }),
      { code: 'WORKER_JOB_DEFINITION_MISMATCH', queue: 'cpu', message },
      label,
    )
  }
})

t.test('revision in the reference is honoured', async (t) => {
  const { batch } = await startTestBatch(t)
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'trainplane-single',
      type: 'container',
      containerProperties: container(64),
    }),
  )

  const pinned = await inspectJobDefinitions(batch, {
    queues: [{ ...TEST_QUEUES.single, jobDefinition: 'trainplane-single:1' }],
  })

  t.equal(pinned.get('single'), 'container', 'revision 1 has a large enough /dev/shm')
  await t.rejects(
    inspectJobDefinitions(batch, { queues: [TEST_QUEUES.single] }),
    { message: /\/dev\/shm of 64 MiB/ },
    'without a revision the latest one counts',
  )
})
