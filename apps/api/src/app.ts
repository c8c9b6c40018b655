import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createLogger } from '@trainplane/shared'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify'
import fp from 'fastify-plugin'
import type { ApiConfig } from './config.js'
import { type ApiError, BadRequestError, ValidationError, withProblems } from './errors.js'
import './fastify-types.js'
import { errorBody } from './http/error-response.js'
import { REQUEST_ID_HEADER, requestIdFor } from './http/request-id.js'
import { typeBoxValidatorCompiler } from './http/typebox-validator.js'
import { describeValidation, validationMessage } from './http/validation-problems.js'
import activityPlugin from './plugins/app/activity.js'
import errorHandlerPlugin from './plugins/app/error-handler.js'
import nodeLogsPlugin from './plugins/app/node-logs.js'
import queueCatalogPlugin from './plugins/app/queue-catalog.js'
import repositoriesPlugin from './plugins/app/repositories.js'
import requestLifecyclePlugin from './plugins/app/request-lifecycle.js'
import authenticationPlugin from './plugins/external/authentication.js'
import cloudWatchLogsPlugin from './plugins/external/cloudwatch-logs.js'
import configPlugin from './plugins/external/config.js'
import dynamoDbPlugin from './plugins/external/dynamodb.js'
import openApiPlugin from './plugins/external/openapi.js'
import rateLimitPlugin from './plugins/external/rate-limit.js'
import runTokenAuthenticationPlugin from './plugins/external/run-token-authentication.js'
import securityHeadersPlugin from './plugins/external/security-headers.js'
import healthRoutes from './routes/health.js'
import v1Routes from './routes/v1/index.js'
import reportingRoutes from './routes/v1/reporting/index.js'

/** Longest path parameter routed; run ids are 30 characters. */
const MAX_PATH_PARAMETER_LENGTH = 100

/** Replacements for tests and benchmarks; production builds everything from the configuration. */
export interface AppOverrides {
  /** DynamoDB clients owned by the caller, who destroys them. */
  dynamoDb?: { client: DynamoDBClient; document: DynamoDBDocumentClient }
  /** CloudWatch Logs client owned by the caller, who destroys it. */
  cloudWatchLogs?: CloudWatchLogsClient
  /** Logger instead of the pino logger built from LOG_LEVEL. */
  logger?: FastifyBaseLogger
  /** Clock for the JWKS refetch interval, in epoch milliseconds. */
  now?: () => number
}

interface ApiPluginOptions {
  config: ApiConfig
  overrides: AppOverrides
}

/**
 * The API as one plugin, loaded in order: external plugins (configuration, AWS clients,
 * authentication, security headers, rate limit, OpenAPI), application plugins, then routes.
 * The reporting routes take a run token instead of a Cognito token.
 */
export const apiPlugin = fp<ApiPluginOptions>(
  async (fastify, { config, overrides }) => {
    await fastify.register(configPlugin, { config })
    await fastify.register(
      dynamoDbPlugin,
      overrides.dynamoDb ? { clients: overrides.dynamoDb } : {},
    )
    await fastify.register(
      cloudWatchLogsPlugin,
      overrides.cloudWatchLogs ? { client: overrides.cloudWatchLogs } : {},
    )
    await fastify.register(authenticationPlugin, overrides.now ? { now: overrides.now } : {})
    await fastify.register(runTokenAuthenticationPlugin)
    await fastify.register(securityHeadersPlugin)
    await fastify.register(rateLimitPlugin)
    await fastify.register(openApiPlugin)

    await fastify.register(requestLifecyclePlugin)
    await fastify.register(errorHandlerPlugin)
    await fastify.register(repositoriesPlugin)
    await fastify.register(queueCatalogPlugin)
    await fastify.register(activityPlugin)
    await fastify.register(nodeLogsPlugin)

    await fastify.register(healthRoutes)
    await fastify.register(v1Routes, { prefix: '/v1' })
    // Beside v1Routes rather than inside, so the Cognito hook does not apply to them.
    await fastify.register(reportingRoutes, { prefix: '/v1' })
  },
  { name: 'trainplane-api' },
)

/**
 * Builds the Fastify instance with the server options the configuration sets, ready to
 * `listen` or to `inject` requests into.
 */
export async function buildApp(
  config: ApiConfig,
  overrides: AppOverrides = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance:
      overrides.logger ??
      (createLogger({ name: 'api', level: config.logLevel }) as unknown as FastifyBaseLogger),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    requestIdHeader: false,
    genReqId: requestIdFor,
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    bodyLimit: config.bodyLimitBytes,
    connectionTimeout: config.timeouts.connectionMs,
    keepAliveTimeout: config.timeouts.keepAliveMs,
    requestTimeout: config.timeouts.requestMs,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    // The request-lifecycle plugin rejects requests during shutdown, in the API's error shape.
    return503OnClosing: false,
    schemaErrorFormatter: (errors, part) => {
      const problems = describeValidation(errors, part)
      return withProblems(new ValidationError(validationMessage(problems, part)), problems)
    },
    frameworkErrors: (err, request, reply) => {
      const error = new BadRequestError(
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? `a path segment is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`
          : 'the URL is malformed; percent-encode path segments',
      ) as ApiError
      // Framework errors skip the route hooks, so the request id header is set here.
      void (reply as FastifyReply)
        .code(error.statusCode)
        .header(REQUEST_ID_HEADER, request.id)
        .send(errorBody(error, request.id))
    },
  })

  app.setValidatorCompiler(typeBoxValidatorCompiler)
  // Only JSON bodies are accepted; anything else is a 415.
  app.removeContentTypeParser('text/plain')

  await app.register(apiPlugin, { config, overrides })
  return app
}
