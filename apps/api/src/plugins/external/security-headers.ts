import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

/**
 * Helmet's security headers on every response, and CORS for the origins in CORS_ORIGINS only
 * (none by default, so browsers on other origins get no CORS headers).
 *
 * The responses are JSON, never pages, so the content security policy allows nothing and no
 * framing. Swagger UI sets its own policy on the pages under /docs. A two-directive policy also
 * keeps @fastify/helmet cheap, since it builds its middleware again for every request.
 */
export default fp(
  async (fastify) => {
    await fastify.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
    })

    const origins = fastify.config.corsOrigins
    await fastify.register(cors, {
      origin: origins.length > 0 ? origins : false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: [
        'x-request-id',
        'location',
        'retry-after',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
      ],
      maxAge: 600,
    })
  },
  { name: 'security-headers', dependencies: ['config'] },
)
