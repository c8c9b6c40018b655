import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import { RateLimitedError } from '../../errors.js'

/**
 * RATE_LIMIT_PER_MINUTE requests a minute per user. The check runs after authentication
 * (preParsing), so the key is the Cognito `sub`. Metric and result reports count per run, whose
 * run token was verified by then. Requests without either, such as the documentation pages,
 * count per client address instead.
 *
 * NOTE: counters live in this process, so with N API tasks a user gets up to N times the
 * limit; API Gateway's throttling in front of the service is the account-wide bound.
 */
export default fp(
  async (fastify) => {
    await fastify.register(rateLimit, {
      max: fastify.config.rateLimitPerMinute,
      timeWindow: 60_000,
      hook: 'preParsing',
      keyGenerator: (request) => {
        if (request.principal) return `user:${request.principal.userId}`
        if (request.reportingRunId) return `run:${request.reportingRunId}`
        return `ip:${request.ip}`
      },
      errorResponseBuilder: (_request, context) => new RateLimitedError(context.after),
    })
  },
  { name: 'rate-limit', dependencies: ['config', 'authentication', 'run-token-authentication'] },
)
