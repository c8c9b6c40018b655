import t from 'tap'
import { Compile } from 'typebox/compile'
import { ConfigurationError } from '../src/errors.js'
import { parseQueueCatalog } from '../src/queue/queue-catalog.js'
import { validateRunForQueue } from '../src/queue/validate-run.js'
import { RunSpecSchema } from '../src/run/run-spec.js'
import { checkSpecLimits } from '../src/run/spec-limits.js'
import { gpuQueue, validSpec } from './fixtures/specs.js'

const spec = Compile(RunSpecSchema)

function firstErrorPath(value: unknown): string | undefined {
  return spec.Errors(value)[0]?.instancePath
}

t.test('a valid specification passes every check', async (t) => {
  t.ok(spec.Check(validSpec()))
  t.same(checkSpecLimits(validSpec()), [])
  t.same(validateRunForQueue(validSpec(), gpuQueue()), [])
})

t.test('schema rejects values Batch would reject', async (t) => {
  t.equal(
    firstErrorPath(validSpec({ timeoutSeconds: 59 })),
    '/timeoutSeconds',
    'timeout under 60 s',
  )
  t.equal(firstErrorPath(validSpec({ nodes: 0 })), '/nodes', 'zero nodes')
  t.equal(firstErrorPath(validSpec({ nodes: 1001 })), '/nodes', 'more than 1,000 nodes')
  t.equal(
    firstErrorPath(validSpec({ retryAttempts: 11 })),
    '/retryAttempts',
    'more than 10 attempts',
  )
  t.equal(firstErrorPath(validSpec({ command: [] })), '/command', 'empty command')
  t.equal(
    firstErrorPath(validSpec({ tags: { 'aws:owner': 'x' } })),
    '/tags/aws:owner',
    'aws: tag prefix',
  )
  t.equal(
    firstErrorPath(validSpec({ environment: { '1BAD': 'x' } })),
    '/environment/1BAD',
    'invalid name',
  )
})

t.test('schema rejects unknown fields', async (t) => {
  t.notOk(spec.Check({ ...validSpec(), gpus: 8 }))
})

t.test('limits reject reserved variables and oversized fields', async (t) => {
  const problems = checkSpecLimits(
    validSpec({
      environment: {
        RUN_TOKEN: 'x',
        AWS_BATCH_JOB_ID: 'y',
        BIG: 'z'.repeat(4000),
        BIG2: 'z'.repeat(4000),
        BIG3: 'z'.repeat(4000),
        BIG4: 'z'.repeat(1000),
      },
      hyperparameters: Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [`p${i}`, 'v'.repeat(100)]),
      ),
      tags: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`t${i}`, 'v'])),
    }),
  )
  const fields = problems.map((problem) => problem.field)
  t.ok(fields.includes('/environment/RUN_TOKEN'))
  t.ok(fields.includes('/environment/AWS_BATCH_JOB_ID'))
  t.ok(fields.includes('/environment'))
  t.ok(fields.includes('/hyperparameters'))
  t.ok(fields.includes('/tags'))
})

t.test('queue limits name the field and the limit', async (t) => {
  const problems = validateRunForQueue(
    validSpec({
      nodes: 17,
      gpusPerNode: 8,
      image: 'docker.io/evil/miner:1',
      timeoutSeconds: 8 * 24 * 3600,
    }),
    gpuQueue(),
  )
  t.same(
    problems.map((problem) => problem.field),
    ['/nodes', '/timeoutSeconds', '/image'],
  )
  t.match(problems[0]?.message, /at most 16 nodes/)
})

t.test('catalog rejects a multi-node Spot queue', async (t) => {
  t.throws(
    () => parseQueueCatalog({ queues: [gpuQueue({ spot: true, maxNodes: 4 })] }),
    ConfigurationError,
  )
  t.ok(parseQueueCatalog({ queues: [gpuQueue({ spot: true, maxNodes: 1 })] }))
})

t.test('catalog rejects duplicate names and missing fields', async (t) => {
  t.throws(() => parseQueueCatalog({ queues: [gpuQueue(), gpuQueue()] }), /twice/)
  const { jobQueue: _omitted, ...incomplete } = gpuQueue()
  t.throws(() => parseQueueCatalog({ queues: [incomplete] }), /queue catalog is invalid/)
})
