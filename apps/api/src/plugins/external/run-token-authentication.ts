import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { checkRunToken } from '../../auth/run-token-check.js'

/**
 * Run-token authentication for the routes training code reports through: the
 * `authenticateRunToken` hook, which accepts only a RUN_TOKEN signed for the run in the path.
 * A Cognito token is rejected there, as any other malformed run token.
 */
export default fp(
  async (fastify) => {
    const key = fastify.config.runTokenKey

    fastify.decorateRequest('reportingRunId', null)

    fastify.decorate('authenticateRunToken', async (request: FastifyRequest) => {
      const runId = (request.params as { id?: string }).id ?? ''
      checkRunToken(key, request.headers.authorization, runId, request.log)
      request.reportingRunId = runId
    })
  },
  { name: 'run-token-authentication', dependencies: ['config'] },
)
