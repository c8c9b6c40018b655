import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ResultsTooLargeError, withProblems } from '../../../errors.js'
import { errorResponses } from '../../../schemas/error.js'
import {
  MAX_RESULTS_BYTES,
  ReportResultsBodySchema,
  RunResultsSchema,
} from '../../../schemas/results.js'
import { RunIdParamsSchema } from '../../../schemas/run.js'
import { RUN_TOKEN_SECURITY } from '../../../schemas/security.js'

/**
 * Results of MAX_RESULTS_BYTES as compact JSON can arrive indented and inside the request's
 * wrapper object, so the body may be larger than the results. The handler checks their own size.
 */
const RESULTS_BODY_LIMIT_BYTES = 2 * MAX_RESULTS_BYTES

/** PUT /v1/runs/:id/results: stores a run's final results, replacing earlier ones. */
const reportResultsRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.put(
    '/runs/:id/results',
    {
      bodyLimit: Math.max(fastify.config.bodyLimitBytes, RESULTS_BODY_LIMIT_BYTES),
      schema: {
        tags: ['reporting'],
        summary: 'Report the final results of a run (run token)',
        security: RUN_TOKEN_SECURITY,
        params: RunIdParamsSchema,
        body: ReportResultsBodySchema,
        response: {
          200: RunResultsSchema,
          ...errorResponses(400, 401, 404, 409, 413, 415, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const runId = request.params.id
      const { results } = request.body

      const size = Buffer.byteLength(JSON.stringify(results), 'utf8')
      if (size > MAX_RESULTS_BYTES) {
        throw withProblems(new ResultsTooLargeError(size, MAX_RESULTS_BYTES), [
          { field: '/results', message: `must be at most ${MAX_RESULTS_BYTES} bytes of JSON` },
        ])
      }

      const stored = await fastify.repositories.results.putResults(runId, results)
      request.log.info({ runId, bytes: size }, 'run results stored')
      return stored
    },
  )
}

export default reportResultsRoute
