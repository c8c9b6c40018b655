import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { NotReadyError } from '../errors.js'
import { errorResponses } from '../schemas/error.js'

/** A readiness probe that waits longer than this counts the dependency as unreachable. */
const DYNAMODB_CHECK_TIMEOUT_MS = 2000

const StatusSchema = Type.Object({ status: Type.Literal('ok') })

/**
 * Probes for the load balancer and ECS. /healthz reports that the process serves requests.
 * /readyz checks that DynamoDB responds (DescribeTable on the runs table, never a Scan) and that
 * the Cognito signing keys are loaded. Neither needs a token or counts against the rate limit.
 */
const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Process is alive',
        response: { 200: StatusSchema, ...errorResponses(503) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  fastify.get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'DynamoDB reachable and signing keys loaded',
        response: { 200: StatusSchema, ...errorResponses(503) },
      },
    },
    async (request) => {
      const [dynamoDbReady, keysLoaded] = await Promise.all([
        fastify.dynamoDb.client
          .send(new DescribeTableCommand({ TableName: fastify.tables.runs }), {
            abortSignal: AbortSignal.timeout(DYNAMODB_CHECK_TIMEOUT_MS),
          })
          .then(
            () => true,
            (err: unknown) => {
              request.log.warn(
                { err, table: fastify.tables.runs },
                'readiness: dynamodb check failed',
              )
              return false
            },
          ),
        fastify.verifier.ensureKeysLoaded(),
      ])

      const failures = [
        ...(dynamoDbReady ? [] : [`DynamoDB table ${fastify.tables.runs} is unreachable`]),
        ...(keysLoaded ? [] : ['the Cognito signing keys are not loaded']),
      ]
      if (failures.length > 0) {
        throw new NotReadyError(failures.join('; '))
      }
      return { status: 'ok' as const }
    },
  )
}

export default healthRoutes
