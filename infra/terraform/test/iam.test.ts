import { join } from 'node:path'
import t from 'tap'
import { DEPLOYABLES, type Deployable } from './lib/deployables.js'
import { appFilesOf, checkDeployableIam } from './lib/iam/check-deployable.js'
import { blockBodies, loadModule, TERRAFORM_ROOT } from './lib/terraform-module.js'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'iam')

const FIXTURE_APP: Deployable = {
  name: 'fixture',
  app: 'infra/terraform/test/fixtures/iam/app',
  module: 'test/fixtures/iam/complete',
  role: 'aws_iam_role.app',
  platform: [],
  environment: { kind: 'locals', names: [] },
  configLoader: 'loadConfig',
  providedByRuntime: [],
}

for (const deployable of DEPLOYABLES) {
  const appFiles = appFilesOf(deployable)
  const skip = appFiles
    ? false
    : `${deployable.app} has no source for ${deployable.entries?.join(', ') ?? 'src/'} yet`

  t.test(`${deployable.name} role matches its code`, { skip }, async (t) => {
    const module = await loadModule(join(TERRAFORM_ROOT, deployable.module))

    const problems = await checkDeployableIam(deployable, module, appFiles ?? [])

    t.same(problems, [], problems.join('\n') || 'granted exactly what the code calls')
  })
}

t.test('policy granting what the code calls passes', async (t) => {
  const module = await loadModule(join(FIXTURES, 'complete'))
  const appFiles = appFilesOf(FIXTURE_APP) ?? []

  const problems = await checkDeployableIam(FIXTURE_APP, module, appFiles)

  t.same(problems, [], problems.join('\n') || 'no problems')
})

t.test('broken policy is reported', async (t) => {
  const module = await loadModule(join(FIXTURES, 'broken'))
  const appFiles = appFilesOf(FIXTURE_APP) ?? []

  const problems = await checkDeployableIam(FIXTURE_APP, module, appFiles)
  const has = (pattern: RegExp) => problems.some((problem) => pattern.test(problem))

  t.ok(has(/missing dynamodb:PutItem on dynamodb:table\/runs/), 'action a transaction needs')
  t.ok(has(/missing sns:Publish on sns:topic/), 'action of a direct command')
  t.ok(has(/extra dynamodb:DeleteItem on dynamodb:table\/runs/), 'action no code calls')
  t.ok(has(/grants the wildcard action dynamodb:\*/), 'wildcard action')
  t.ok(has(/grants batch:SubmitJob on "\*", but it supports resource-level/), 'needless "*"')
  t.ok(has(/app\/Describe grants on "\*" without a comment/), '"*" without a reason')
  t.ok(has(/aws_iam_role_policy_attachment\.admin: attaches a managed policy/), 'managed policy')
})

const worker = DEPLOYABLES.find((deployable) => deployable.name === 'worker') as Deployable
const workerFiles = appFilesOf(worker)

t.test(
  'worker role without TerminateJob is reported',
  { skip: workerFiles ? false : 'apps/worker has no source yet' },
  async (t) => {
    const appFiles = workerFiles ?? []
    const module = await loadModule(join(TERRAFORM_ROOT, worker.module))
    const document = module.data.get('aws_iam_policy_document.worker_task')
    for (const statement of blockBodies(document?.body.statement)) {
      statement.actions = (statement.actions as string[]).filter(
        (action) => action !== 'batch:TerminateJob',
      )
    }

    const problems = await checkDeployableIam(worker, module, appFiles)

    t.ok(
      problems.some((problem) =>
        /^missing batch:TerminateJob on batch:job, needed by apps\/worker/.test(problem),
      ),
      problems.join('\n'),
    )
  },
)
