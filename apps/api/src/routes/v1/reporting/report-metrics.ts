import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { MetricPoint } from '@trainplane/shared'
import { type FieldProblem, ValidationError, withProblems } from '../../../errors.js'
import { validationMessage } from '../../../http/validation-problems.js'
import { errorResponses } from '../../../schemas/error.js'
import { MetricsAcceptedSchema, ReportMetricsBodySchema } from '../../../schemas/metrics.js'
import { RunIdParamsSchema } from '../../../schemas/run.js'
import { RUN_TOKEN_SECURITY } from '../../../schemas/security.js'

/**
 * 500 points with 128-character names and every field at its longest are about 120 KB of JSON,
 * more than the API's default body limit, so this route allows more.
 */
const METRICS_BODY_LIMIT_BYTES = 256 * 1024

/**
 * DynamoDB stores 0 and numbers with magnitudes from 1E-130 to 9.99…E+125 (DynamoDB developer
 * guide, "Supported data types and naming rules", Number), so a finite double outside that
 * range fails the whole write.
 */
const MIN_STORABLE_MAGNITUDE = 1e-130
const MAX_STORABLE_MAGNITUDE = 1e126

/** POST /v1/runs/:id/metrics: stores up to 500 metric points of a run. */
const reportMetricsRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/runs/:id/metrics',
    {
      bodyLimit: Math.max(fastify.config.bodyLimitBytes, METRICS_BODY_LIMIT_BYTES),
      schema: {
        tags: ['reporting'],
        summary: 'Report metric points of a run (run token)',
        security: RUN_TOKEN_SECURITY,
        params: RunIdParamsSchema,
        body: ReportMetricsBodySchema,
        response: {
          202: MetricsAcceptedSchema,
          ...errorResponses(400, 401, 404, 409, 413, 415, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const runId = request.params.id
      const { points } = request.body

      const problems = unstorableValues(points)
      if (problems.length > 0) {
        throw withProblems(new ValidationError(validationMessage(problems, 'body')), problems)
      }

      await fastify.repositories.results.putMetrics(runId, latestPerStep(points))

      request.log.debug({ runId, points: points.length }, 'metric points stored')
      return reply.code(202).send({ accepted: points.length })
    },
  )
}

function unstorableValues(points: readonly MetricPoint[]): FieldProblem[] {
  return points.flatMap((point, index) => {
    const magnitude = Math.abs(point.value)
    const storable =
      magnitude === 0 || (magnitude >= MIN_STORABLE_MAGNITUDE && magnitude < MAX_STORABLE_MAGNITUDE)
    return storable
      ? []
      : [{ field: `/points/${index}/value`, message: 'must be 0 or between 1e-130 and 1e126' }]
  })
}

/**
 * Keeps the last point of each (name, step) pair. DynamoDB rejects a BatchWriteItem call that
 * writes one key twice with the ValidationException "Provided list of item keys contains
 * duplicates", and stored points replace each other the same way.
 */
function latestPerStep(points: readonly MetricPoint[]): MetricPoint[] {
  const byKey = new Map<string, MetricPoint>()
  for (const point of points) {
    const key = `${point.name}#${point.step}`
    byKey.delete(key)
    byKey.set(key, point)
  }
  return [...byKey.values()]
}

export default reportMetricsRoute
