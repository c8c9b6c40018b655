import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AdminOnlyError, ValidationError, withProblems } from '../../../errors.js'
import { toRunSummary } from '../../../runs/run-view.js'
import { errorResponses } from '../../../schemas/error.js'
import { DEFAULT_PAGE_SIZE, pageQueryProperties } from '../../../schemas/pagination.js'
import { RunListSchema, RunStatusSchema } from '../../../schemas/run.js'
import { COGNITO_SECURITY } from '../../../schemas/security.js'

const ListRunsQuerySchema = Type.Object(
  {
    ...pageQueryProperties,
    status: Type.Optional(RunStatusSchema),
    user: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9._@:-]{1,128}$',
        description: "Admins only: list this user's runs (a Cognito sub).",
      }),
    ),
    all: Type.Optional(Type.Boolean({ description: "Admins only: list every user's runs." })),
  },
  { additionalProperties: false },
)

/**
 * GET /v1/runs: the caller's runs, newest first, optionally by status. Admins may list another
 * user's runs (`user`) or everyone's (`all=true`).
 */
const listRunsRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'List runs, newest first',
        security: COGNITO_SECURITY,
        querystring: ListRunsQuerySchema,
        response: { 200: RunListSchema, ...errorResponses(400, 401, 403, 429, 500, 503) },
      },
    },
    async (request) => {
      const { principal } = request
      const { status, user, all, cursor } = request.query
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE

      if (all && user !== undefined) {
        throw withProblems(
          new ValidationError('query parameter all cannot be combined with user'),
          [{ field: 'all', message: 'cannot be combined with user' }],
        )
      }
      if (!principal.isAdmin && all) {
        throw withProblems(new AdminOnlyError('query parameter all'), [
          { field: 'all', message: 'is for admins only' },
        ])
      }
      if (!principal.isAdmin && user !== undefined && user !== principal.userId) {
        throw withProblems(new AdminOnlyError("listing another user's runs"), [
          { field: 'user', message: 'is for admins only' },
        ])
      }

      const options = {
        limit,
        ...(status !== undefined && { status }),
        ...(cursor !== undefined && { cursor }),
      }
      const page = all
        ? await fastify.repositories.runs.listAll(options)
        : await fastify.repositories.runs.listByUser(user ?? principal.userId, options)

      return {
        items: page.items.map(toRunSummary),
        ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
      }
    },
  )
}

export default listRunsRoute
