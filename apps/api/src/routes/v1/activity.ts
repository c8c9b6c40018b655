import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ActivityListSchema } from '../../schemas/activity.js'
import { errorResponses } from '../../schemas/error.js'
import { DEFAULT_PAGE_SIZE, PageQuerySchema } from '../../schemas/pagination.js'
import { COGNITO_SECURITY } from '../../schemas/security.js'

/** GET /v1/activity: the caller's own actions, newest first. */
const activityRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/activity',
    {
      schema: {
        tags: ['users'],
        summary: "The caller's activity, newest first",
        security: COGNITO_SECURITY,
        querystring: PageQuerySchema,
        response: { 200: ActivityListSchema, ...errorResponses(400, 401, 429, 500, 503) },
      },
    },
    async (request) => {
      const page = await fastify.repositories.activity.list(request.principal.userId, {
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
        ...(request.query.cursor !== undefined && { cursor: request.query.cursor }),
      })

      return {
        items: page.items.map((item) => ({
          at: item.at,
          action: item.action,
          ...(item.runId !== undefined && { runId: item.runId }),
          ...(item.requestId !== undefined && { requestId: item.requestId }),
          ...(item.sourceIp !== undefined && { sourceIp: item.sourceIp }),
        })),
        ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
      }
    },
  )
}

export default activityRoutes
