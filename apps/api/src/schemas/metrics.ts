import { MAX_METRIC_STEP, METRIC_NAME_PATTERN } from '@trainplane/shared'
import { Type } from 'typebox'

export const MAX_POINTS_PER_REPORT = 500
export const DEFAULT_METRIC_PAGE_SIZE = 500
export const MAX_METRIC_PAGE_SIZE = 1000

const MetricNameSchema = Type.String({
  pattern: METRIC_NAME_PATTERN,
  description: 'Metric name, such as train/loss.',
})

// TypeBox's Number rejects NaN and the infinities, so every value stored is finite.
export const MetricPointSchema = Type.Object(
  {
    name: MetricNameSchema,
    step: Type.Integer({ minimum: 0, maximum: MAX_METRIC_STEP }),
    value: Type.Number({ description: 'A finite number.' }),
    at: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When the point was recorded; the time the API received it by default.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const ReportMetricsBodySchema = Type.Object(
  {
    points: Type.Array(MetricPointSchema, { minItems: 1, maxItems: MAX_POINTS_PER_REPORT }),
  },
  { additionalProperties: false },
)

export const MetricsAcceptedSchema = Type.Object({
  accepted: Type.Integer({ description: 'Number of points in the request.' }),
})

export const MetricsQuerySchema = Type.Object(
  {
    name: Type.Optional(MetricNameSchema),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_METRIC_PAGE_SIZE,
        description: `Points per page, ${DEFAULT_METRIC_PAGE_SIZE} by default.`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        description: '`nextCursor` of the previous page, from a request with the same name.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const MetricListSchema = Type.Object({
  items: Type.Array(MetricPointSchema),
  nextCursor: Type.Optional(
    Type.String({ description: 'Pass as `cursor` for the next page; absent on the last page.' }),
  ),
})
