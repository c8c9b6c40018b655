import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TABLE_DEFINITIONS } from '@trainplane/shared'
import t from 'tap'
import { renderTablesHcl, TABLES_FILE } from '../scripts/render-tables.mjs'
import { describeProblems } from './lib/conventions.js'
import { compareTables } from './lib/tables.js'
import { loadModule, TERRAFORM_ROOT } from './lib/terraform-module.js'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'tables')

t.test('data module tables equal shared definitions', async (t) => {
  const module = await loadModule(join(TERRAFORM_ROOT, 'modules', 'data'))

  const problems = compareTables(module, TABLE_DEFINITIONS)

  t.same(module.problems, [])
  t.same(problems, [], describeProblems(problems) || 'tables match')
})

t.test('generated tables file is current', async (t) => {
  const expected = renderTablesHcl(TABLE_DEFINITIONS as unknown as Record<string, unknown>)

  t.equal(
    readFileSync(TABLES_FILE, 'utf8'),
    expected,
    'modules/data/main.tf matches a fresh rendering (if not, run npm run render:tables)',
  )
})

t.test('drifted tables are reported', async (t) => {
  const module = await loadModule(join(FIXTURES, 'drifted'))

  const found = compareTables(module, TABLE_DEFINITIONS).map(
    (problem) => `${problem.address}: ${problem.message}`,
  )

  t.ok(
    found.some((m) => /aws_dynamodb_table\.runs: partitionKey is "id"/.test(m)),
    'wrong key',
  )
  t.ok(
    found.some((m) => /aws_dynamodb_table\.runs: indexes is .*byStatus/.test(m)),
    'missing index',
  )
  t.ok(
    found.some((m) => /aws_dynamodb_table\.runs: ttlAttribute is unset/.test(m)),
    'no TTL',
  )
  t.ok(
    found.some((m) => /aws_dynamodb_table\.users: attributes is/.test(m)),
    'wrong key type',
  )
  t.ok(
    found.some((m) => /aws_dynamodb_table\.users: has no point_in_time_recovery/.test(m)),
    'no point-in-time recovery',
  )
  t.ok(
    found.some((m) => /aws_dynamodb_table\.legacy: is not one of the shared tables/.test(m)),
    'unknown table',
  )
  t.ok(
    found.some((m) => /shared table results is not declared/.test(m)),
    'missing table',
  )
})
