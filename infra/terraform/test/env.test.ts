import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { DEPLOYABLES, type Deployable, REPOSITORY_ROOT } from './lib/deployables.js'
import { compareEnvironment, configVariables, terraformVariables } from './lib/env-parity.js'
import { sampleEnvironment } from './lib/env-samples.js'
import { loadModule, TERRAFORM_ROOT } from './lib/terraform-module.js'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'env')
const samples = sampleEnvironment(t.testdir())

function configPathOf(deployable: Deployable): string {
  return join(REPOSITORY_ROOT, deployable.app, 'src', 'config.ts')
}

function fixtureDeployable(overrides: Partial<Deployable>): Deployable {
  return {
    name: 'fixture',
    app: 'infra/terraform/test/fixtures/env',
    module: 'test/fixtures/env/module',
    role: 'aws_iam_role.app',
    platform: [],
    environment: { kind: 'lambda', functionKey: 'batch-events' },
    configLoader: 'loadConfig',
    providedByRuntime: [],
    ...overrides,
  }
}

for (const deployable of DEPLOYABLES) {
  const configPath = configPathOf(deployable)
  const skip = existsSync(configPath) ? false : `${deployable.app}/src/config.ts does not exist yet`

  t.test(`${deployable.name} environment matches its config schema`, { skip }, async (t) => {
    const config = await configVariables(configPath, deployable.configLoader, samples)
    const module = await loadModule(join(TERRAFORM_ROOT, deployable.module))

    const given = terraformVariables(module, deployable)
    const problems = compareEnvironment(given.names, config, deployable.providedByRuntime)

    t.same(given.problems, [], given.problems.join('\n') || 'environment declared and passed on')
    t.same(problems, [], problems.join('\n') || 'Terraform sets what the schema needs')
  })
}

t.test('missing, unread and local-only variables are reported', async (t) => {
  const config = await configVariables(join(FIXTURES, 'config.ts'), 'loadConfig', samples)
  const module = await loadModule(join(FIXTURES, 'module'))
  const deployable = fixtureDeployable({ providedByRuntime: ['AWS_REGION'] })

  const given = terraformVariables(module, deployable)
  const problems = compareEnvironment(given.names, config, deployable.providedByRuntime)

  t.same(problems, [
    'SNS_TOPIC_ARN is required by the config schema but Terraform does not set it',
    'DYNAMODB_ENDPOINT points at a local counterpart; leave it unset on AWS',
    'EXTRA_SETTING is set by Terraform but the config schema does not read it',
  ])
})

t.test('variable the runtime sets is reported', async (t) => {
  const config = await configVariables(join(FIXTURES, 'config.ts'), 'loadConfig', samples)
  const module = await loadModule(join(FIXTURES, 'module'))
  const deployable = fixtureDeployable({
    environment: { kind: 'lambda', functionKey: 'post-confirmation' },
    providedByRuntime: ['AWS_REGION'],
  })

  const given = terraformVariables(module, deployable)
  const problems = compareEnvironment(given.names, config, deployable.providedByRuntime)

  t.same(problems, ['AWS_REGION is set by the runtime; Terraform must not set it'])
})

t.test('environment no task receives is reported', async (t) => {
  const module = await loadModule(join(FIXTURES, 'module'))
  const deployable = fixtureDeployable({
    environment: { kind: 'locals', names: ['api_environment', 'api_secrets'] },
  })

  const given = terraformVariables(module, deployable)

  t.same(given.problems, [
    'no ECS task definition passes local.api_environment to its container',
    'local.api_secrets is not declared',
    'no ECS task definition passes local.api_secrets to its container',
  ])
})

const worker = DEPLOYABLES.find((deployable) => deployable.name === 'worker') as Deployable
const workerSkip = existsSync(configPathOf(worker))
  ? false
  : 'apps/worker/src/config.ts does not exist yet'

t.test('worker task without RUN_REPORT_URL is reported', { skip: workerSkip }, async (t) => {
  const config = await configVariables(configPathOf(worker), worker.configLoader, samples)
  const module = await loadModule(join(TERRAFORM_ROOT, worker.module))
  const environment = module.locals.get('worker_environment')?.value as Record<string, unknown>
  delete environment.RUN_REPORT_URL

  const given = terraformVariables(module, worker)
  const problems = compareEnvironment(given.names, config, worker.providedByRuntime)

  t.same(problems, [
    'RUN_REPORT_URL is required by the config schema but Terraform does not set it',
  ])
})
