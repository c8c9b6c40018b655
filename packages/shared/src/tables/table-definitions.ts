import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb'

/**
 * The four tables the platform keeps, in the one place that the repositories, the local stack,
 * the tests and the Terraform check read. Names are `<prefix>-<table>`.
 */

export type TableName = 'users' | 'activity' | 'runs' | 'results'

export interface KeyAttribute {
  name: string
  type: 'S' | 'N'
}

export interface IndexDefinition {
  name: string
  partitionKey: KeyAttribute
  sortKey?: KeyAttribute
  projection: 'ALL' | 'KEYS_ONLY'
  /** The access pattern the index serves. */
  purpose: string
}

export interface TableDefinition {
  table: TableName
  partitionKey: KeyAttribute
  sortKey?: KeyAttribute
  indexes: IndexDefinition[]
  /** Attribute DynamoDB's TTL reads, in epoch seconds. */
  ttlAttribute?: string
}

/** Name of the TTL attribute on every table that expires items. Epoch seconds. */
export const TTL_ATTRIBUTE = 'expiresAt'

/** Value of `listPartition` on every run, the partition of the all-runs index. */
export const ALL_RUNS_PARTITION = 'runs'

export const RUN_INDEXES = {
  byUser: 'byUser',
  byStatus: 'byStatus',
  byJob: 'byJob',
  all: 'all',
} as const

export const TABLE_DEFINITIONS: Readonly<Record<TableName, TableDefinition>> = {
  users: {
    table: 'users',
    partitionKey: { name: 'userId', type: 'S' },
    indexes: [],
  },
  activity: {
    table: 'activity',
    partitionKey: { name: 'userId', type: 'S' },
    sortKey: { name: 'activityKey', type: 'S' },
    indexes: [],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  runs: {
    table: 'runs',
    partitionKey: { name: 'runId', type: 'S' },
    indexes: [
      {
        name: RUN_INDEXES.byUser,
        partitionKey: { name: 'userId', type: 'S' },
        sortKey: { name: 'createdKey', type: 'S' },
        projection: 'ALL',
        purpose: "a user's runs, newest first, optionally filtered by status",
      },
      {
        name: RUN_INDEXES.byStatus,
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'createdKey', type: 'S' },
        projection: 'ALL',
        purpose: 'runs in one status: the worker follows active runs, admins filter by status',
      },
      {
        name: RUN_INDEXES.byJob,
        partitionKey: { name: 'jobId', type: 'S' },
        projection: 'KEYS_ONLY',
        purpose: 'the run of a Batch job id, for state-change events',
      },
      {
        // NOTE: one partition holds every run, so this index is bounded by the write rate of
        // a single partition (1,000 writes a second); ample for a team's runs and status changes.
        name: RUN_INDEXES.all,
        partitionKey: { name: 'listPartition', type: 'S' },
        sortKey: { name: 'createdKey', type: 'S' },
        projection: 'ALL',
        purpose: 'all runs newest first, for admins',
      },
    ],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  results: {
    table: 'results',
    partitionKey: { name: 'runId', type: 'S' },
    sortKey: { name: 'itemKey', type: 'S' },
    indexes: [],
    ttlAttribute: TTL_ATTRIBUTE,
  },
}

export type TableNames = Readonly<Record<TableName, string>>

export const TABLE_PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/

/** Table names for one prefix, such as `trainplane-prod-runs`. */
export function tableNames(prefix: string): TableNames {
  if (!TABLE_PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `table prefix ${JSON.stringify(prefix)} is invalid; use 1 to 200 letters, digits, '_', '.' or '-'`,
    )
  }
  return {
    users: `${prefix}-users`,
    activity: `${prefix}-activity`,
    runs: `${prefix}-runs`,
    results: `${prefix}-results`,
  }
}

/** The CreateTable request for one table, on-demand billing. */
export function createTableInput(
  definition: TableDefinition,
  tableName: string,
): CreateTableCommandInput {
  const attributes = new Map<string, KeyAttribute>()
  const remember = (attribute: KeyAttribute | undefined) => {
    if (attribute) attributes.set(attribute.name, attribute)
  }

  remember(definition.partitionKey)
  remember(definition.sortKey)
  for (const index of definition.indexes) {
    remember(index.partitionKey)
    remember(index.sortKey)
  }

  const keySchema = (partition: KeyAttribute, sort?: KeyAttribute) => [
    { AttributeName: partition.name, KeyType: 'HASH' as const },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
  ]

  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()].map((attribute) => ({
      AttributeName: attribute.name,
      AttributeType: attribute.type,
    })),
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(definition.indexes.length > 0 && {
      GlobalSecondaryIndexes: definition.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: index.projection },
      })),
    }),
  }
}
