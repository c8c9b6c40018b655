import type { TableDefinition } from '@trainplane/shared'
import { type Body, blockBodies, type Problem, type TerraformModule } from './terraform-module.js'

/** A table as both sides describe it, reduced to what must match. */
interface TableShape {
  partitionKey: string
  sortKey: string | undefined
  attributes: string[]
  indexes: string[]
  ttlAttribute: string | undefined
}

const TABLE_NAME = /^\$\{var\.table_prefix\}-([A-Za-z0-9_.-]+)$/

function key(attribute: { name: string; type: string } | undefined): string | undefined {
  return attribute && `${attribute.name}:${attribute.type}`
}

function shapeOfDefinition(definition: TableDefinition): TableShape {
  const attributes = new Set<string>()
  for (const attribute of [definition.partitionKey, definition.sortKey]) {
    if (attribute) attributes.add(`${attribute.name}:${attribute.type}`)
  }
  for (const index of definition.indexes) {
    for (const attribute of [index.partitionKey, index.sortKey]) {
      if (attribute) attributes.add(`${attribute.name}:${attribute.type}`)
    }
  }

  return {
    partitionKey: definition.partitionKey.name,
    sortKey: definition.sortKey?.name,
    attributes: [...attributes].sort(),
    indexes: definition.indexes
      .map((index) =>
        [index.name, index.partitionKey.name, index.sortKey?.name ?? '-', index.projection].join(
          ' ',
        ),
      )
      .sort(),
    ttlAttribute: definition.ttlAttribute,
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function shapeOfResource(body: Body): TableShape {
  const ttl = blockBodies(body.ttl)[0]
  return {
    partitionKey: text(body.hash_key) ?? '',
    sortKey: text(body.range_key),
    attributes: blockBodies(body.attribute)
      .map((attribute) => key({ name: String(attribute.name), type: String(attribute.type) }) ?? '')
      .sort(),
    indexes: blockBodies(body.global_secondary_index)
      .map((index) =>
        [index.name, index.hash_key, index.range_key ?? '-', index.projection_type].join(' '),
      )
      .sort(),
    ttlAttribute: ttl && ttl.enabled === true ? text(ttl.attribute_name) : undefined,
  }
}

/**
 * Compares the DynamoDB tables a module declares with the shared table definitions: table names
 * (`<prefix>-<table>`), keys, key attributes, global secondary indexes with their projection,
 * and the TTL attribute. It also requires on-demand billing, point-in-time recovery,
 * server-side encryption and switchable deletion protection on every table.
 */
export function compareTables(
  module: TerraformModule,
  definitions: Readonly<Record<string, TableDefinition>>,
): Problem[] {
  const problems: Problem[] = []
  const seen = new Set<string>()

  for (const [address, block] of module.resources) {
    if (!address.startsWith('aws_dynamodb_table.')) continue
    const report = (message: string) => problems.push({ file: block.file, address, message })

    const table = TABLE_NAME.exec(text(block.body.name) ?? '')?.[1]
    const definition = table === undefined ? undefined : definitions[table]
    if (table === undefined || definition === undefined) {
      report(`is not one of the shared tables (${Object.keys(definitions).join(', ')})`)
      continue
    }
    seen.add(table)

    const expected = shapeOfDefinition(definition)
    const actual = shapeOfResource(block.body)
    for (const field of Object.keys(expected) as (keyof TableShape)[]) {
      const want = JSON.stringify(expected[field])
      const got = JSON.stringify(actual[field])
      if (want !== got) report(`${field} is ${got ?? 'unset'}; the shared definition has ${want}`)
    }

    if (block.body.billing_mode !== 'PAY_PER_REQUEST') report('billing_mode is not PAY_PER_REQUEST')
    if (blockBodies(block.body.point_in_time_recovery)[0]?.enabled === undefined) {
      report('has no point_in_time_recovery')
    }
    if (blockBodies(block.body.server_side_encryption)[0]?.enabled !== true) {
      report('has no server_side_encryption')
    }
    if (block.body.deletion_protection_enabled === undefined) {
      report('has no deletion_protection_enabled')
    }
  }

  for (const table of Object.keys(definitions)) {
    if (!seen.has(table)) {
      problems.push({
        file: module.dir,
        address: `aws_dynamodb_table.${table}`,
        message: `shared table ${table} is not declared`,
      })
    }
  }
  return problems
}
