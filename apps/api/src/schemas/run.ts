import { END_REASONS, RUN_STATUSES, RunSpecSchema } from '@trainplane/shared'
import { Type } from 'typebox'

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 time, UTC.' })

export const RunStatusSchema = Type.Enum(RUN_STATUSES, {
  description: 'Platform status. QUEUED → … → SUCCEEDED, FAILED or CANCELLED.',
})

export const StatusHistoryEntrySchema = Type.Object({
  status: RunStatusSchema,
  attempt: Type.Integer({ description: 'Batch attempt, 0 before the run has a Batch job.' }),
  at: Timestamp,
  reason: Type.Optional(Type.String()),
})

/** Fields of a run shown in listings; the full view adds the status history. */
const runSummaryProperties = {
  runId: Type.String(),
  userId: Type.String({ description: 'Cognito sub of the user who submitted the run.' }),
  userEmail: Type.Optional(Type.String()),
  shareIdentifier: Type.Optional(
    Type.String({ description: 'Fair-share identifier passed to Batch.' }),
  ),
  spec: RunSpecSchema,
  status: RunStatusSchema,
  attempt: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  jobId: Type.Optional(Type.String({ description: 'Batch job id, once submitted.' })),
  jobName: Type.Optional(Type.String()),
  batchStatus: Type.Optional(Type.String({ description: 'Status Batch last reported.' })),
  statusReason: Type.Optional(Type.String()),
  exitCode: Type.Optional(Type.Integer()),
  startedAt: Type.Optional(Timestamp),
  stoppedAt: Type.Optional(Timestamp),
  endReason: Type.Optional(Type.Enum(END_REASONS)),
  endDetail: Type.Optional(Type.String()),
  endedAt: Type.Optional(Timestamp),
  cancelRequestedAt: Type.Optional(Timestamp),
  cancelKind: Type.Optional(Type.Enum(['USER', 'QUEUE_TIMEOUT'])),
  logStreams: Type.Optional(
    Type.Record(Type.String(), Type.String(), {
      description: 'CloudWatch Logs stream name per node index.',
    }),
  ),
}

export const RunSummarySchema = Type.Object(runSummaryProperties)

export const RunViewSchema = Type.Object({
  ...runSummaryProperties,
  history: Type.Array(StatusHistoryEntrySchema),
})

export const RunListSchema = Type.Object({
  items: Type.Array(RunSummarySchema),
  nextCursor: Type.Optional(
    Type.String({ description: 'Pass as `cursor` for the next page; absent on the last page.' }),
  ),
})

export const RunIdParamsSchema = Type.Object({
  id: Type.String({
    maxLength: 64,
    description: 'Run id, such as run-01jc5f3q8zj3kdx7v2m4n6p8r0.',
  }),
})
