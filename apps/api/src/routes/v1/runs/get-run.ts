import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { loadVisibleRun } from '../../../runs/load-run.js'
import { toRunView } from '../../../runs/run-view.js'
import { errorResponses } from '../../../schemas/error.js'
import { RunIdParamsSchema, RunViewSchema } from '../../../schemas/run.js'
import { COGNITO_SECURITY } from '../../../schemas/security.js'

/** GET /v1/runs/:id: one run with its status history, for its owner or an admin. */
const getRunRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'Get a run and its status history',
        security: COGNITO_SECURITY,
        params: RunIdParamsSchema,
        response: { 200: RunViewSchema, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const run = await loadVisibleRun(
        fastify.repositories.runs,
        request.principal,
        request.params.id,
      )
      return toRunView(run)
    },
  )
}

export default getRunRoute
