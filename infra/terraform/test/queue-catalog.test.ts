import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseQueueCatalog, QueueSchema } from '@trainplane/shared'
import t from 'tap'
import { objectKeysIn, readTfvars, renderQueueCatalog } from './lib/queue-catalog.js'
import { loadModule, TERRAFORM_ROOT } from './lib/terraform-module.js'

const EXAMPLE = join(TERRAFORM_ROOT, 'terraform.tfvars.example')
const TRAINER_REPOSITORY = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/trainplane-dev-trainer'

t.test('catalog.tf writes exactly the schema keys', async (t) => {
  const root = await loadModule(TERRAFORM_ROOT)
  const catalog = root.locals.get('queue_catalog')?.value as { queues?: unknown } | undefined

  const written = new Set(objectKeysIn(String(catalog?.queues)))

  t.same(
    [...written].sort(),
    Object.keys(QueueSchema.properties).sort(),
    'every QueueSchema property is written, and nothing else',
  )
})

t.test('example catalog passes parseQueueCatalog', async (t) => {
  const values = await readTfvars(EXAMPLE, readFileSync(EXAMPLE, 'utf8'))
  const queues = values.queues as unknown[]

  const catalog = renderQueueCatalog(String(values.name), queues, TRAINER_REPOSITORY)
  const parsed = parseQueueCatalog(catalog, 'rendered example catalog')

  t.equal(parsed.queues.length, queues.length)
  t.ok(
    parsed.queues.some((queue) => queue.spot && queue.maxNodes === 1),
    'the example shows a single-node Spot queue',
  )
  t.ok(
    parsed.queues.some((queue) => !queue.spot && queue.maxNodes > 1 && queue.fairShare),
    'the example shows a multi-node fair-share queue',
  )
})

t.test('multi-node Spot queue is rejected', async (t) => {
  const catalog = renderQueueCatalog(
    'trainplane-dev',
    [
      {
        name: 'bad-spot',
        spot: true,
        max_nodes: 4,
        gpus_per_node: 4,
        vcpus_per_node: 48,
        memory_mib_per_node: 180000,
        price_per_gpu_hour: 1,
      },
    ],
    TRAINER_REPOSITORY,
  )

  t.throws(() => parseQueueCatalog(catalog), /Spot/)
})
