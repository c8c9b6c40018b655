import { Type } from 'typebox'

export const DEFAULT_PAGE_SIZE = 20
export const MAX_PAGE_SIZE = 100

export const pageQueryProperties = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      description: `Items per page, ${DEFAULT_PAGE_SIZE} by default.`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2048,
      description: '`nextCursor` of the previous page.',
    }),
  ),
}

export const PageQuerySchema = Type.Object(pageQueryProperties, { additionalProperties: false })
