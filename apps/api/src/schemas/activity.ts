import { Type } from 'typebox'

export const ActivityItemSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  action: Type.String({ description: 'run.submit or run.cancel.' }),
  runId: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String()),
  sourceIp: Type.Optional(Type.String()),
})

export const ActivityListSchema = Type.Object({
  items: Type.Array(ActivityItemSchema),
  nextCursor: Type.Optional(Type.String()),
})
