import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { loadVisibleRun } from '../../../runs/load-run.js'
import { errorResponses } from '../../../schemas/error.js'
import {
  DEFAULT_METRIC_PAGE_SIZE,
  MetricListSchema,
  MetricsQuerySchema,
} from '../../../schemas/metrics.js'
import { RunIdParamsSchema } from '../../../schemas/run.js'
import { COGNITO_SECURITY } from '../../../schemas/security.js'

/**
 * GET /v1/runs/:id/metrics: a run's metric points for its owner or an admin, one metric in
 * step order with `name`, otherwise every metric ordered by name and then step.
 */
const getMetricsRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/runs/:id/metrics',
    {
      schema: {
        tags: ['runs'],
        summary: "List a run's metric points",
        security: COGNITO_SECURITY,
        params: RunIdParamsSchema,
        querystring: MetricsQuerySchema,
        response: { 200: MetricListSchema, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const run = await loadVisibleRun(
        fastify.repositories.runs,
        request.principal,
        request.params.id,
      )
      const { name, cursor } = request.query
      const options = {
        limit: request.query.limit ?? DEFAULT_METRIC_PAGE_SIZE,
        ...(cursor !== undefined && { cursor }),
      }

      const results = fastify.repositories.results
      const page =
        name === undefined
          ? await results.listMetrics(run.runId, options)
          : await results.listMetric(run.runId, name, options)

      return {
        items: page.items,
        ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
      }
    },
  )
}

export default getMetricsRoute
