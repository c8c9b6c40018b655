import { Type } from 'typebox'

/** The one error shape of every 4xx and 5xx response. */
export const ErrorResponseSchema = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable code, listed in docs/errors.md.' }),
    message: Type.String({ description: 'What failed and what to do about it.' }),
    requestId: Type.String({ description: 'Id of the request, also in X-Request-Id.' }),
    field: Type.Optional(
      Type.String({
        description: 'The invalid field: a JSON pointer into the body, or a parameter name.',
      }),
    ),
    problems: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'Every problem found, when there is more than one.',
      }),
    ),
  }),
})

/** Error responses for a route's schema, by status code. */
export function errorResponses<const S extends readonly number[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponseSchema])) as {
    [K in S[number]]: typeof ErrorResponseSchema
  }
}
