import fp from 'fastify-plugin'
import { type ApiError, RouteNotFoundError } from '../../errors.js'
import { errorBody, toApiError } from '../../http/error-response.js'

/** Seconds a client should wait before retrying a 503. */
const RETRY_AFTER_SECONDS = 1
const MAX_PATH_IN_MESSAGE = 200

/**
 * One place that turns errors into responses: the shared error shape, 5xx causes logged and
 * hidden from the client, client mistakes logged at info with their code.
 */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler(async (err, request, reply) => {
      // The reporting routes allow larger bodies than the API's default.
      const bodyLimit = request.routeOptions.bodyLimit ?? fastify.config.bodyLimitBytes
      const error = toApiError(err, request, bodyLimit)

      if (error.statusCode >= 500) {
        request.log.error({ err, code: error.code }, 'request failed')
      } else {
        request.log.info({ code: error.code, field: error.field }, 'request rejected')
      }

      if (error.statusCode === 503) {
        reply.header('retry-after', String(RETRY_AFTER_SECONDS))
      }
      return reply.code(error.statusCode).send(errorBody(error, request.id))
    })

    fastify.setNotFoundHandler(async (request, reply) => {
      const path = (request.url.split('?')[0] ?? '/').slice(0, MAX_PATH_IN_MESSAGE)
      const error = new RouteNotFoundError(request.method, path) as ApiError
      return reply.code(404).send(errorBody(error, request.id))
    })
  },
  { name: 'error-handler', dependencies: ['config'] },
)
