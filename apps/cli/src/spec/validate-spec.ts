import type { RunSpec } from '@trainplane/shared'
import { type Problem, RunSpecInvalidError } from '../errors.js'
import { loadShared } from '../shared-module.js'

/** The `submit` option that sets each top-level field, named in validation problems. */
const FIELD_OPTIONS: Readonly<Record<string, string>> = {
  name: '--name',
  image: '--image',
  command: '--command or the arguments after --',
  nodes: '--nodes',
  gpusPerNode: '--gpus-per-node',
  queue: '--queue',
  environment: '--env',
  hyperparameters: '--hp',
  timeoutSeconds: '--timeout',
  retryAttempts: '--retries, which counts retries after the first attempt',
  tags: '--tag',
}

/** The shape of one TypeBox 1.x validation error that this module reads. */
interface SchemaError {
  keyword: string
  schemaPath: string
  instancePath: string
  params: Record<string, unknown>
  message: string
}

/**
 * Validates a run spec with the API's own schema and size limits from @trainplane/shared, so a
 * mistake is reported before anything is sent.
 *
 * @throws RunSpecInvalidError listing every problem, each with the option that sets the field
 */
export async function validateRunSpec(candidate: Record<string, unknown>): Promise<RunSpec> {
  const shared = await loadShared()
  const { Compile } = await import('typebox/compile')
  const validator = Compile(shared.RunSpecSchema)

  const schemaErrors = [...validator.Errors(candidate)] as SchemaError[]
  if (schemaErrors.length > 0) {
    throw new RunSpecInvalidError(withOptionHints(describeSchemaErrors(schemaErrors)))
  }

  const spec = candidate as RunSpec
  const limitProblems = shared.checkSpecLimits(spec)
  if (limitProblems.length > 0) {
    throw new RunSpecInvalidError(withOptionHints(limitProblems))
  }
  return spec
}

/**
 * Turns TypeBox errors into one problem per field. A missing or unknown field is named as such.
 * The branches of a union collapse into one line. A map key that fails its pattern is reported
 * once, as an invalid key.
 */
function describeSchemaErrors(errors: readonly SchemaError[]): Problem[] {
  const problems: Problem[] = []
  const seen = new Set<string>()
  const add = (field: string, message: string) => {
    const key = `${field}\n${message}`
    if (!seen.has(key)) {
      seen.add(key)
      problems.push({ field, message })
    }
  }

  for (const error of errors) {
    const field = error.instancePath || '/'

    if (error.keyword === 'required') {
      const missing = (error.params.requiredProperties as string[] | undefined) ?? []
      for (const property of missing) add(`${error.instancePath}/${property}`, 'is missing')
      continue
    }

    if (error.keyword === 'additionalProperties') {
      const extra = (error.params.additionalProperties as string[] | undefined) ?? []
      for (const property of extra) {
        if (error.instancePath === '') {
          add(
            `/${property}`,
            `is not a run spec field; the fields are ${Object.keys(FIELD_OPTIONS).join(', ')}`,
          )
        } else {
          add(`${error.instancePath}/${property}`, `key ${JSON.stringify(property)} is invalid`)
        }
      }
      continue
    }

    // "schema is false" repeats an additionalProperties error; union branches repeat anyOf.
    if (error.keyword === 'boolean' || /\/anyOf\/\d+$/.test(error.schemaPath)) {
      continue
    }
    if (error.keyword === 'anyOf') {
      add(field, 'must be a string, a number or a boolean')
      continue
    }

    add(field, error.message)
  }
  return problems
}

function withOptionHints(problems: readonly Problem[]): Problem[] {
  return problems.map((problem) => {
    const topField = problem.field.split('/')[1] ?? ''
    const option = FIELD_OPTIONS[topField]
    return option ? { ...problem, message: `${problem.message} (set by ${option})` } : problem
  })
}
