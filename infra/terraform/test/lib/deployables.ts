import { join } from 'node:path'
import type { PlatformPermission } from './iam/compare.js'

/** Root of the monorepo. */
export const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..', '..', '..')

/** Where a deployable's environment is declared in Terraform. */
export type EnvironmentSource =
  | { kind: 'locals'; names: string[] }
  | { kind: 'lambda'; functionKey: string }

/**
 * What runs on AWS, and where each part is: the app's source, its entry points, the Terraform
 * module and role, where its environment is declared, and how its config schema is loaded.
 */
export interface Deployable {
  name: string
  /** App folder, relative to the repository root. */
  app: string
  /** Entry files relative to the app folder; every file under src/ when absent. */
  entries?: string[]
  /** Module folder, relative to infra/terraform. */
  module: string
  role: string
  platform: PlatformPermission[]
  environment: EnvironmentSource
  /** The exported function of src/config.ts that validates this deployable's environment. */
  configLoader: string
  /** Variables the runtime sets itself, which Terraform must not set. */
  providedByRuntime: string[]
}

/** Lambda writes its logs to the function's log group with the function's role. */
const LAMBDA_LOGS: PlatformPermission[] = [
  {
    action: 'logs:CreateLogStream',
    resource: 'logs:own-log-group',
    reason: 'the Lambda runtime, which writes the function logs',
  },
  {
    action: 'logs:PutLogEvents',
    resource: 'logs:own-log-group',
    reason: 'the Lambda runtime, which writes the function logs',
  },
]

/**
 * Lambda sets AWS_REGION itself and rejects it as a function variable (Lambda developer
 * guide, "Defined runtime environment variables").
 */
const LAMBDA_RUNTIME_VARIABLES = ['AWS_REGION']

export const DEPLOYABLES: Deployable[] = [
  {
    name: 'api',
    app: 'apps/api',
    module: 'modules/api',
    role: 'aws_iam_role.api_task',
    platform: [],
    environment: { kind: 'locals', names: ['api_environment', 'api_secrets'] },
    configLoader: 'loadConfig',
    providedByRuntime: [],
  },
  {
    name: 'worker',
    app: 'apps/worker',
    module: 'modules/api',
    role: 'aws_iam_role.worker_task',
    platform: [],
    environment: { kind: 'locals', names: ['worker_environment', 'worker_secrets'] },
    configLoader: 'loadConfig',
    providedByRuntime: [],
  },
  {
    name: 'batch-events',
    app: 'apps/triggers',
    entries: ['src/handlers/batch-events.ts'],
    module: 'modules/triggers',
    role: 'aws_iam_role.batch_events',
    platform: [
      ...LAMBDA_LOGS,
      {
        action: 'sqs:SendMessage',
        resource: 'sqs:dead-letter',
        reason: 'Lambda, which sends failed asynchronous invocations to the dead-letter queue',
      },
    ],
    environment: { kind: 'lambda', functionKey: 'batch-events' },
    configLoader: 'loadBatchEventsConfig',
    providedByRuntime: LAMBDA_RUNTIME_VARIABLES,
  },
  {
    name: 'post-confirmation',
    app: 'apps/triggers',
    entries: ['src/handlers/post-confirmation.ts'],
    module: 'modules/triggers',
    role: 'aws_iam_role.post_confirmation',
    platform: LAMBDA_LOGS,
    environment: { kind: 'lambda', functionKey: 'post-confirmation' },
    configLoader: 'loadPostConfirmationConfig',
    providedByRuntime: LAMBDA_RUNTIME_VARIABLES,
  },
]
