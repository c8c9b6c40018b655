import { readFileSync } from 'node:fs'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { ConfigurationError } from '../errors.js'
import { MAX_NODES } from '../run/run-spec.js'

export const QueueSchema = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$',
      description: 'Name users pick.',
    }),
    description: Type.Optional(Type.String({ maxLength: 512 })),
    jobQueue: Type.String({ minLength: 1, description: 'Batch job queue name or ARN.' }),
    jobDefinition: Type.String({
      minLength: 1,
      description: 'Batch job definition (name, name:revision or ARN) of type multinode.',
    }),
    maxNodes: Type.Integer({ minimum: 1, maximum: MAX_NODES }),
    gpusPerNode: Type.Integer({ minimum: 0, maximum: 16, description: 'GPUs on each instance.' }),
    vcpusPerNode: Type.Integer({ minimum: 1 }),
    memoryMiBPerNode: Type.Integer({ minimum: 128 }),
    sharedMemoryMiB: Type.Integer({
      minimum: 64,
      description: 'Size of /dev/shm; the Docker default of 64 MiB is too small for data loaders.',
    }),
    spot: Type.Boolean({ description: 'Whether the compute environment uses Spot capacity.' }),
    fairShare: Type.Boolean({
      description:
        'Whether the queue has a fair-share policy, which makes shareIdentifier required.',
    }),
    maxRunnableSeconds: Type.Integer({
      minimum: 60,
      description: 'How long a run may wait in RUNNABLE before the platform fails it.',
    }),
    maxTimeoutSeconds: Type.Integer({ minimum: 60 }),
    pricePerGpuHour: Type.Number({ minimum: 0, description: 'On-demand price in USD.' }),
    allowedImagePrefixes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  },
  { additionalProperties: false },
)

export const QueueCatalogSchema = Type.Object(
  { queues: Type.Array(QueueSchema, { minItems: 1 }) },
  { additionalProperties: false },
)

export type Queue = Static<typeof QueueSchema>
export type QueueCatalog = Static<typeof QueueCatalogSchema>

const catalogValidator = Compile(QueueCatalogSchema)

/**
 * Validates a parsed catalog: the schema, unique names, and the rule that multi-node parallel
 * jobs cannot run on Spot (AWS Batch user guide, "Multi-node parallel jobs").
 *
 * @param value - parsed JSON
 * @param source - where the catalog came from, named in errors
 * @throws ConfigurationError naming the first invalid field
 */
export function parseQueueCatalog(value: unknown, source = 'queue catalog'): QueueCatalog {
  const first = catalogValidator.Errors(value)[0]
  if (first) {
    throw new ConfigurationError(
      `${source} is invalid at ${first.instancePath || '/'}: ${first.message}`,
    )
  }

  const catalog = value as QueueCatalog
  const seen = new Set<string>()
  for (const [index, queue] of catalog.queues.entries()) {
    if (seen.has(queue.name)) {
      throw new ConfigurationError(`${source} names queue ${queue.name} twice`)
    }
    seen.add(queue.name)

    if (queue.spot && queue.maxNodes > 1) {
      throw new ConfigurationError(
        `${source} is invalid at /queues/${index}: queue ${queue.name} is on Spot, where Batch cannot run multi-node jobs; set maxNodes to 1 or spot to false`,
      )
    }
  }

  return catalog
}

/** Reads and validates a catalog file (JSON). */
export function loadQueueCatalog(path: string): QueueCatalog {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigurationError(`cannot read queue catalog ${path}`, { cause: err })
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new ConfigurationError(`queue catalog ${path} is not valid JSON`, { cause: err })
  }

  return parseQueueCatalog(parsed, `queue catalog ${path}`)
}

export function findQueue(catalog: QueueCatalog, name: string): Queue | undefined {
  return catalog.queues.find((queue) => queue.name === name)
}
