import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { checkNodeAndAttempt, currentAttempt, locateLogStream } from '../../../logs/log-stream.js'
import { loadVisibleRun } from '../../../runs/load-run.js'
import { errorResponses } from '../../../schemas/error.js'
import { DEFAULT_LOG_PAGE_SIZE, LogPageSchema, LogsQuerySchema } from '../../../schemas/logs.js'
import { RunIdParamsSchema } from '../../../schemas/run.js'
import { COGNITO_SECURITY } from '../../../schemas/security.js'

/**
 * GET /v1/runs/:id/logs: one node's log lines of one attempt, oldest first, for the run's
 * owner or an admin. A run without a Batch job and a node without a stream are statuses of a
 * 200 response, not errors, so a client can poll until lines appear.
 */
const getLogsRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/runs/:id/logs',
    {
      schema: {
        tags: ['runs'],
        summary: "Read a node's log lines",
        security: COGNITO_SECURITY,
        params: RunIdParamsSchema,
        querystring: LogsQuerySchema,
        response: { 200: LogPageSchema, ...errorResponses(400, 401, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const run = await loadVisibleRun(
        fastify.repositories.runs,
        request.principal,
        request.params.id,
      )
      const node = request.query.node ?? 0
      const attempt = request.query.attempt ?? currentAttempt(run)
      const { cursor } = request.query
      checkNodeAndAttempt(run, node, attempt)
      const position = { runId: run.runId, node, attempt, ...(cursor !== undefined && { cursor }) }
      // A cursor is checked even when nothing can be read, so a forged one never passes.
      fastify.nodeLogs.decodeCursor(position)

      const page = { runId: run.runId, node, attempt, runStatus: run.status }
      const location = locateLogStream(run, node, attempt)
      if (location.status !== 'AVAILABLE') {
        return { ...page, status: location.status, lines: [] }
      }

      const read = await fastify.nodeLogs.read({
        ...position,
        streamName: location.streamName,
        limit: request.query.limit ?? DEFAULT_LOG_PAGE_SIZE,
      })
      if (read.missing) {
        return { ...page, status: 'NO_STREAM_YET' as const, lines: [] }
      }
      return {
        ...page,
        status: 'AVAILABLE' as const,
        lines: read.lines,
        ...(read.nextCursor !== undefined && { nextCursor: read.nextCursor }),
      }
    },
  )
}

export default getLogsRoute
