import fp from 'fastify-plugin'
import { ShuttingDownError } from '../../errors.js'
import { REQUEST_ID_HEADER } from '../../http/request-id.js'

/**
 * Adds the hooks every request passes: the request id goes back in X-Request-Id, and requests
 * are handled differently once the server starts closing.
 *
 * Once the server starts closing, the listener stops accepting connections and requests
 * already running finish. Their responses carry `Connection: close`, because a keep-alive
 * connection left open would hold the close until KEEP_ALIVE_TIMEOUT_MS. A request that still
 * arrives on such a connection is rejected with API_ERR_SHUTTING_DOWN before it runs, so a
 * client that never gets the response can safely retry it.
 */
export default fp(
  async (fastify) => {
    let closing = false

    fastify.addHook('onRequest', async () => {
      if (closing) {
        throw new ShuttingDownError()
      }
    })

    fastify.addHook('onSend', async (request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id)
      if (closing) {
        reply.header('connection', 'close')
      }
    })

    fastify.addHook('preClose', async () => {
      closing = true
      fastify.log.info('server closing: finishing in-flight requests, rejecting new ones')
    })
  },
  { name: 'request-lifecycle' },
)
