import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConditionFailedError, type RunRecord } from '@trainplane/shared'
import { RunBusyError } from '../../../errors.js'
import { loadVisibleRun } from '../../../runs/load-run.js'
import { toRunView } from '../../../runs/run-view.js'
import { errorResponses } from '../../../schemas/error.js'
import { RunIdParamsSchema, RunViewSchema } from '../../../schemas/run.js'
import { COGNITO_SECURITY } from '../../../schemas/security.js'

/**
 * The worker can move a run between our read and our conditional write; each retry reads the
 * run again. Three attempts cover a run racing through SUBMITTING and SUBMITTED.
 */
const MAX_CANCEL_ATTEMPTS = 3

/**
 * POST /v1/runs/:id/cancel: a run without a Batch job yet ends CANCELLED at once; otherwise the
 * run shows CANCELLING and the worker stops the job. Cancelling a finished run is a 409.
 */
const cancelRunRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/runs/:id/cancel',
    {
      schema: {
        tags: ['runs'],
        summary: 'Cancel a run',
        security: COGNITO_SECURITY,
        params: RunIdParamsSchema,
        response: {
          202: RunViewSchema,
          ...errorResponses(400, 401, 404, 409, 413, 415, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { principal } = request
      const runs = fastify.repositories.runs
      const runId = request.params.id

      let run = await loadVisibleRun(runs, principal, runId)
      let cancelled: RunRecord | undefined
      for (let attempt = 1; attempt <= MAX_CANCEL_ATTEMPTS && !cancelled; attempt++) {
        try {
          cancelled = await runs.requestCancel(run, 'USER')
        } catch (err) {
          if (!(err instanceof ConditionFailedError)) throw err
          request.log.info({ runId, attempt }, 'run changed during cancel; reading it again')
          run = await loadVisibleRun(runs, principal, runId)
        }
      }
      if (!cancelled) {
        throw new RunBusyError(runId)
      }

      await fastify.activity.record(request, 'run.cancel', runId)
      request.log.info(
        { runId, userId: principal.userId, status: cancelled.status },
        'run cancel requested',
      )
      return reply.code(202).send(toRunView(cancelled))
    },
  )
}

export default cancelRunRoute
