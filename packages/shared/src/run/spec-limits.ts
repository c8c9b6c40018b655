import {
  MAX_COMMAND_BYTES,
  MAX_ENVIRONMENT_BYTES,
  MAX_HYPERPARAMETERS_BYTES,
  MAX_USER_TAGS,
  RESERVED_ENVIRONMENT_NAMES,
  type RunSpec,
} from './run-spec.js'

/** One problem found in a run specification, with the JSON pointer of the field. */
export interface SpecProblem {
  field: string
  message: string
}

const reserved = new Set<string>(RESERVED_ENVIRONMENT_NAMES)

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8')
}

/**
 * Checks the limits a JSON schema cannot express: sizes in bytes and reserved names.
 * Returns every problem, so a client can fix them all at once.
 */
export function checkSpecLimits(spec: RunSpec): SpecProblem[] {
  const problems: SpecProblem[] = []

  for (const name of Object.keys(spec.environment ?? {})) {
    if (reserved.has(name) || name.startsWith('AWS_BATCH')) {
      problems.push({
        field: `/environment/${name}`,
        message: `environment variable ${name} is set by the platform or by AWS Batch; choose another name`,
      })
    }
  }

  const environmentBytes = jsonBytes(spec.environment)
  if (environmentBytes > MAX_ENVIRONMENT_BYTES) {
    problems.push({
      field: '/environment',
      message: `environment is ${environmentBytes} bytes as JSON; the limit is ${MAX_ENVIRONMENT_BYTES} so the Batch request stays under 30 KiB`,
    })
  }

  const hyperparameterBytes = jsonBytes(spec.hyperparameters)
  if (hyperparameterBytes > MAX_HYPERPARAMETERS_BYTES) {
    problems.push({
      field: '/hyperparameters',
      message: `hyperparameters are ${hyperparameterBytes} bytes as JSON; the limit is ${MAX_HYPERPARAMETERS_BYTES}`,
    })
  }

  const commandBytes = jsonBytes(spec.command)
  if (commandBytes > MAX_COMMAND_BYTES) {
    problems.push({
      field: '/command',
      message: `command is ${commandBytes} bytes as JSON; the limit is ${MAX_COMMAND_BYTES}`,
    })
  }

  const tagCount = Object.keys(spec.tags ?? {}).length
  if (tagCount > MAX_USER_TAGS) {
    problems.push({
      field: '/tags',
      message: `${tagCount} tags given; at most ${MAX_USER_TAGS} are allowed because the platform adds its own`,
    })
  }

  return problems
}
