import { MAX_NODES } from '@trainplane/shared'
import { Type } from 'typebox'
import { RunStatusSchema } from './run.js'

export const DEFAULT_LOG_PAGE_SIZE = 100
/** Below GetLogEvents' own maximum of 10,000 events, which also caps a response at 1 MB. */
export const MAX_LOG_PAGE_SIZE = 1000
/** Batch allows at most 10 attempts per job (AWS Batch API reference, RetryStrategy). */
export const MAX_ATTEMPT = 10

export const LOG_STATUSES = ['AVAILABLE', 'NOT_STARTED', 'NO_STREAM_YET'] as const
export type LogStatus = (typeof LOG_STATUSES)[number]

export const LogsQuerySchema = Type.Object(
  {
    node: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_NODES - 1,
        description: 'Node index, from 0; node 0 by default.',
      }),
    ),
    attempt: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_ATTEMPT,
        description: "Batch attempt, from 1; the run's current attempt by default.",
      }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_LOG_PAGE_SIZE,
        description: `Lines per page, ${DEFAULT_LOG_PAGE_SIZE} by default.`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        description: '`nextCursor` of the previous page, for the same node and attempt.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const LogLineSchema = Type.Object({
  timestamp: Type.String({ format: 'date-time', description: 'When the node wrote the line.' }),
  message: Type.String(),
})

export const LogPageSchema = Type.Object({
  runId: Type.String(),
  node: Type.Integer(),
  attempt: Type.Integer(),
  runStatus: RunStatusSchema,
  status: Type.Enum(LOG_STATUSES, {
    description:
      'AVAILABLE: lines read from the stream. NOT_STARTED: the run has no Batch job. NO_STREAM_YET: the node has no log stream yet.',
  }),
  lines: Type.Array(LogLineSchema),
  nextCursor: Type.Optional(
    Type.String({
      description:
        'Pass as `cursor` to read on. Present whenever the status is AVAILABLE, also at the end of the stream, so a client can poll for new lines.',
    }),
  ),
})
