import { Type } from 'typebox'

/** Largest results object, as compact UTF-8 JSON; the reporting client checks the same bound. */
export const MAX_RESULTS_BYTES = 64 * 1024

const ResultsObjectSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: `Any JSON object of at most ${MAX_RESULTS_BYTES} bytes as compact JSON.`,
})

export const ReportResultsBodySchema = Type.Object(
  { results: ResultsObjectSchema },
  { additionalProperties: false },
)

export const RunResultsSchema = Type.Object({
  runId: Type.String(),
  results: ResultsObjectSchema,
  reportedAt: Type.String({ format: 'date-time' }),
})
