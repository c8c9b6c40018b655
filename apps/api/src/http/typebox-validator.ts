import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'

/**
 * Validates requests with compiled TypeBox schemas. Bodies are checked as sent, so `"2"` is not
 * a number. Path, query and header values arrive as strings. They are converted to the schema's
 * types (`limit=5` to 5) only when the strings themselves fail, because most requests carry
 * string parameters only and the conversion is slow.
 *
 * It behaves as TypeBoxValidatorCompiler from @fastify/type-provider-typebox, which converts
 * every non-body value first.
 */
export const typeBoxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema)

  return (value: unknown) => {
    if (validator.Check(value)) {
      return { value }
    }
    if (httpPart !== 'body') {
      const converted = Value.Convert(schema, value)
      if (validator.Check(converted)) {
        return { value: converted }
      }
      return { error: validator.Errors(converted) as FastifySchemaValidationError[] }
    }
    return { error: validator.Errors(value) as FastifySchemaValidationError[] }
  }
}
