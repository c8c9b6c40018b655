import type { FastifySchemaValidationError } from 'fastify'
import type { FieldProblem } from '../errors.js'

/** Part of the request where a schema failure was found, as Fastify names it. */
export type RequestPart = 'body' | 'headers' | 'params' | 'querystring'

const PART_LABELS: Record<string, string> = {
  body: 'body field',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
}

/**
 * Turns schema errors into one problem per field, with the field named as a JSON pointer in
 * the body or as the parameter or header name. Unknown fields and missing fields get messages
 * that tell the client what to do, and an enum lists its allowed values.
 */
export function describeValidation(
  errors: FastifySchemaValidationError[],
  part: RequestPart,
): FieldProblem[] {
  const problems = new Map<string, string>()
  const allowedValues = collectAllowedValues(errors)

  for (const error of prioritise(errors)) {
    const path = error.instancePath ?? ''
    const params = (error.params ?? {}) as Record<string, unknown>
    let field = path
    let message = error.message ?? 'is invalid'

    if (error.keyword === 'additionalProperties') {
      const names = params.additionalProperties
      const name = Array.isArray(names) ? names[0] : params.additionalProperty
      field = `${path}/${String(name)}`
      message = 'is not a known field; remove it'
    } else if (error.keyword === 'boolean' && error.schemaPath?.endsWith('/additionalProperties')) {
      message = 'is not a known field; remove it'
    } else if (error.keyword === 'required') {
      const names = params.requiredProperties
      const name = Array.isArray(names) ? names[0] : params.missingProperty
      field = `${path}/${String(name)}`
      message = 'is required'
    } else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.join(', ')}`
    } else if (error.keyword === 'const' && allowedValues.has(path)) {
      continue
    } else if (error.keyword === 'anyOf' && allowedValues.has(path)) {
      message = `must be one of ${allowedValues.get(path)?.join(', ')}`
    }

    const name = formatField(field, part)
    if (!problems.has(name)) {
      problems.set(name, message)
    }
  }

  return [...problems].map(([field, message]) => ({ field, message }))
}

/** Builds the message a client reads: the field, its problem, and how many others there are. */
export function validationMessage(problems: FieldProblem[], part: RequestPart): string {
  const [first] = problems
  if (!first) {
    return 'the request is invalid'
  }
  const label = PART_LABELS[part] ?? 'field'
  const more = problems.length > 1 ? ` (${problems.length - 1} more in error.problems)` : ''
  return `${label} ${first.field} ${first.message}${more}`
}

function formatField(path: string, part: RequestPart): string {
  if (part === 'body') {
    return path === '' ? '/' : path
  }
  return path.replace(/^\//, '') || part
}

/**
 * Puts unknown and missing fields first, because they are the usual mistake and explain the
 * errors that follow.
 */
function prioritise(errors: FastifySchemaValidationError[]): FastifySchemaValidationError[] {
  const rank = (error: FastifySchemaValidationError) =>
    error.keyword === 'additionalProperties' || error.keyword === 'boolean'
      ? 0
      : error.keyword === 'required'
        ? 1
        : 2
  return [...errors].sort((a, b) => rank(a) - rank(b))
}

/** Values of `const` alternatives by path, when a union of literals failed there. */
function collectAllowedValues(errors: FastifySchemaValidationError[]): Map<string, unknown[]> {
  const unionPaths = new Set(
    errors.filter((error) => error.keyword === 'anyOf').map((error) => error.instancePath),
  )
  const values = new Map<string, unknown[]>()
  for (const error of errors) {
    const path = error.instancePath
    if (error.keyword !== 'const' || !unionPaths.has(path)) continue
    const allowed = (error.params as { allowedValue?: unknown }).allowedValue
    values.set(path, [...(values.get(path) ?? []), allowed])
  }
  return values
}
