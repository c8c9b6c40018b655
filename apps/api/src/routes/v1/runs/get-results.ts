import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ResultsNotFoundError } from '../../../errors.js'
import { loadVisibleRun } from '../../../runs/load-run.js'
import { errorResponses } from '../../../schemas/error.js'
import { RunResultsSchema } from '../../../schemas/results.js'
import { RunIdParamsSchema } from '../../../schemas/run.js'
import { COGNITO_SECURITY } from '../../../schemas/security.js'

/** GET /v1/runs/:id/results: the final results a run reported, for its owner or an admin. */
const getResultsRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/runs/:id/results',
    {
      schema: {
        tags: ['runs'],
        summary: 'Get the final results a run reported',
        security: COGNITO_SECURITY,
        params: RunIdParamsSchema,
        response: { 200: RunResultsSchema, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const run = await loadVisibleRun(
        fastify.repositories.runs,
        request.principal,
        request.params.id,
      )

      const results = await fastify.repositories.results.getResults(run.runId)
      if (!results) {
        throw new ResultsNotFoundError(run.runId)
      }
      return results
    },
  )
}

export default getResultsRoute
