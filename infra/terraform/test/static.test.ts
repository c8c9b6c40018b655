import { join } from 'node:path'
import t from 'tap'
import { describeProblems } from './lib/conventions.js'
import { runStaticChecks, type StaticReport } from './lib/static-checks.js'
import { loadWorkspace, TERRAFORM_ROOT } from './lib/terraform-module.js'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'static')

async function checkFixture(name: string): Promise<StaticReport> {
  return runStaticChecks(await loadWorkspace(join(FIXTURES, name)))
}

function messages(problems: { address: string; message: string }[]): string[] {
  return problems.map((problem) => `${problem.address}: ${problem.message}`)
}

t.test('workspace passes every static check', async (t) => {
  const workspace = await loadWorkspace(TERRAFORM_ROOT)
  const report = await runStaticChecks(workspace)

  t.ok(workspace.size >= 8, `the root module and seven modules are loaded (${workspace.size})`)
  for (const [check, problems] of Object.entries(report)) {
    t.same(problems, [], `${check}: ${describeProblems(problems) || 'no problems'}`)
  }
})

t.test('unparsable file is reported', async (t) => {
  const report = await checkFixture('unparsable')

  t.equal(report.parse.length, 1)
  t.match(report.parse[0]?.message, /does not parse/)
})

t.test('broken references are reported', async (t) => {
  const report = await checkFixture('broken-references')
  const found = messages(report.references)

  t.ok(
    found.some((m) => /var\.missing does not resolve/.test(m)),
    'undeclared variable',
  )
  t.ok(
    found.some((m) => /local\.absent does not resolve/.test(m)),
    'undeclared local',
  )
  t.ok(
    found.some((m) => /aws_s3_bucket\.gone\.arn does not resolve/.test(m)),
    'missing resource',
  )
  t.ok(
    found.some((m) => /data\.aws_region\.elsewhere\.name does not resolve/.test(m)),
    'missing data source',
  )
  t.ok(
    found.some((m) => /module "child" has no output "nothing"/.test(m)),
    'missing output',
  )
  t.ok(
    found.some((m) => /no module "ghost"/.test(m)),
    'missing module',
  )
  t.notOk(
    found.some((m) => /each\.|count\.|rule\.value|var\.present/.test(m)),
    'built-in roots, dynamic iterators and declared variables resolve',
  )
  t.equal(report.references.length, 6, found.join('\n'))
})

t.test('module call mismatches are reported', async (t) => {
  const report = await checkFixture('broken-references')
  const found = messages(report.moduleCalls)

  t.ok(
    found.some((m) => /argument "unknown" is not a variable/.test(m)),
    'unknown argument',
  )
  t.ok(
    found.some((m) => /required variable "needed" .* is not given/.test(m)),
    'missing input',
  )
  t.equal(found.length, 2, found.join('\n'))
})

t.test('undescribed and untyped variables are reported', async (t) => {
  const report = await checkFixture('undescribed-variable')
  const found = messages(report.variables)

  t.same(found.sort(), [
    'var.bare: has no description',
    'var.bare: has no type',
    'var.vague: has no type',
  ])
})

t.test('module without the standard files is reported', async (t) => {
  const report = await checkFixture('missing-files')
  const found = messages(report.standardFiles)

  t.equal(found.length, 3, found.join('\n'))
  t.ok(found.some((m) => /versions\.tf is missing/.test(m)))
})

t.test('inline policies and missing sids are reported', async (t) => {
  const report = await checkFixture('inline-policy')
  const found = messages(report.policies)

  t.ok(
    found.some((m) => /aws_iam_role_policy\.inline: policy must be/.test(m)),
    'inline JSON',
  )
  t.ok(
    found.some((m) => /a statement has no alphanumeric sid/.test(m)),
    'missing sid',
  )
  t.ok(
    found.some((m) => /sid Twice repeats/.test(m)),
    'repeated sid',
  )
})

t.test('hard-coded account, region and ARN are reported', async (t) => {
  const report = await checkFixture('hard-coded')
  const found = messages(report.hardCoded)

  t.ok(
    found.some((m) => /an account id/.test(m)),
    'account id',
  )
  t.ok(
    found.some((m) => /a region/.test(m)),
    'region',
  )
  t.ok(
    found.some((m) => /an ARN/.test(m)),
    'ARN',
  )
})
