import { type Static, Type } from 'typebox'

/**
 * Batch allows up to 1,000 nodes in one multi-node parallel job by default, the default
 * instance limit of an ECS cluster (AWS Batch user guide, "Node groups").
 */
export const MAX_NODES = 1000

/** Batch rejects `timeout.attemptDurationSeconds` below 60 (AWS Batch API reference, JobTimeout). */
export const MIN_TIMEOUT_SECONDS = 60

/** Platform limit, not an AWS one: 14 days bounds how long a run can hold GPU nodes. */
export const MAX_TIMEOUT_SECONDS = 14 * 24 * 3600

/** Batch `retryStrategy.attempts` accepts 1 to 10 (AWS Batch API reference, RetryStrategy). */
export const MAX_RETRY_ATTEMPTS = 10

/**
 * SubmitJob requests are at most 30 KiB (AWS Batch service quotas). The run's environment,
 * hyperparameters and command share that request with the platform's own variables and tags,
 * so each gets a fixed share that leaves several KiB for the rest.
 */
export const MAX_ENVIRONMENT_BYTES = 12 * 1024
export const MAX_HYPERPARAMETERS_BYTES = 8 * 1024
export const MAX_COMMAND_BYTES = 4 * 1024

/**
 * Batch accepts 50 tags a resource; the platform adds its own (run id, user, queue), so users
 * get 40. Keys are at most 128 characters and values at most 256, and the `aws:` prefix is
 * reserved (AWS tagging rules).
 */
export const MAX_USER_TAGS = 40

/**
 * Variables the platform sets on every node. Batch reserves names that start with `AWS_BATCH`
 * (AWS Batch API reference, KeyValuePair), and the platform's own contract variables must not
 * be overridden by a user either.
 */
export const RESERVED_ENVIRONMENT_NAMES = [
  'RUN_ID',
  'RUN_HYPERPARAMETERS',
  'RUN_GPUS_PER_NODE',
  'RUN_REPORT_URL',
  'RUN_TOKEN',
  'MASTER_PORT',
  'MASTER_ADDR',
] as const

export const RunSpecSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'Display name. Not unique and never used to identify the run.',
      }),
    ),
    image: Type.String({
      minLength: 1,
      maxLength: 1024,
      pattern: '^[a-z0-9][a-z0-9._\\-/:@]*$',
      description: 'Container image reference; the queue decides which registries are allowed.',
    }),
    command: Type.Array(Type.String({ maxLength: MAX_COMMAND_BYTES }), {
      minItems: 1,
      maxItems: 256,
      description: 'Command run on every node, as an argument list.',
    }),
    nodes: Type.Integer({ minimum: 1, maximum: MAX_NODES, description: 'Number of nodes.' }),
    gpusPerNode: Type.Integer({ minimum: 0, maximum: 16, description: 'GPUs on each node.' }),
    queue: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$',
      description: 'Queue name from `GET /v1/queues`.',
    }),
    environment: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,254}$' }),
        Type.String({ maxLength: 4096 }),
        { additionalProperties: false, description: 'Extra environment variables for every node.' },
      ),
    ),
    hyperparameters: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z0-9_.:/-]{1,128}$' }),
        Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]),
        {
          additionalProperties: false,
          description: 'Passed to the job as JSON in RUN_HYPERPARAMETERS.',
        },
      ),
    ),
    timeoutSeconds: Type.Integer({
      minimum: MIN_TIMEOUT_SECONDS,
      maximum: MAX_TIMEOUT_SECONDS,
      description: 'Limit on each attempt, in seconds. Batch requires at least 60.',
    }),
    retryAttempts: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_RETRY_ATTEMPTS,
        default: 1,
        description: 'Attempts Batch may make when a host is lost (1 means no retry).',
      }),
    ),
    tags: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^(?!aws:)[\\w .:/=+\\-@]{1,128}$' }),
        Type.String({ maxLength: 256, pattern: '^[\\w .:/=+\\-@]*$' }),
        {
          additionalProperties: false,
          description: 'Tags copied to the Batch job and its resources.',
        },
      ),
    ),
  },
  { additionalProperties: false },
)

export type RunSpec = Static<typeof RunSpecSchema>
