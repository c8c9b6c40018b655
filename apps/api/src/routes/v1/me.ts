import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../../schemas/error.js'
import { COGNITO_SECURITY } from '../../schemas/security.js'
import { ProfileSchema } from '../../schemas/user.js'

/**
 * GET /v1/me: the caller's profile. It refreshes the stored groups and last-seen time, and
 * creates the profile when the post-confirmation trigger never ran.
 */
const meRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/me',
    {
      schema: {
        tags: ['users'],
        summary: "The caller's profile",
        security: COGNITO_SECURITY,
        response: { 200: ProfileSchema, ...errorResponses(401, 429, 500, 503) },
      },
    },
    async (request) => {
      const { principal } = request
      const profile = await fastify.repositories.users.touch({
        userId: principal.userId,
        groups: principal.groups,
        ...(principal.email !== undefined && { email: principal.email }),
      })

      return {
        userId: profile.userId,
        ...(principal.username !== undefined && { username: principal.username }),
        ...(profile.email !== undefined && { email: profile.email }),
        groups: principal.groups,
        isAdmin: principal.isAdmin,
        shareIdentifier: principal.shareIdentifier,
        createdAt: profile.createdAt,
        ...(profile.lastSeenAt !== undefined && { lastSeenAt: profile.lastSeenAt }),
      }
    },
  )
}

export default meRoutes
