import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'

/**
 * OpenAPI 3 document generated from the route schemas, served at /openapi.json, and Swagger UI
 * at /docs. Registered before the routes, because the document is built from routes added
 * after it.
 */
export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'trainplane API',
          description:
            'Submit and follow distributed training runs. Every /v1 route needs a Cognito access token, except the two that training jobs report metrics and results through, which need the run token.',
          version: '1.0.0',
        },
        components: {
          securitySchemes: {
            cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            runToken: {
              type: 'http',
              scheme: 'bearer',
              description: 'The RUN_TOKEN a training job receives; it reports for that run only.',
            },
          },
        },
      },
    })

    await fastify.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })

    fastify.get(
      '/openapi.json',
      { schema: { hide: true }, config: { rateLimit: false } },
      async () => fastify.swagger(),
    )
  },
  { name: 'openapi' },
)
