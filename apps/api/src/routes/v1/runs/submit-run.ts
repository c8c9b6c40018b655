import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { RunSpecSchema } from '@trainplane/shared'
import { Type } from 'typebox'
import { toRunView } from '../../../runs/run-view.js'
import { checkSubmission } from '../../../runs/submission.js'
import { errorResponses } from '../../../schemas/error.js'
import { RunViewSchema } from '../../../schemas/run.js'
import { COGNITO_SECURITY } from '../../../schemas/security.js'

export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_-]{1,128}$'

const SubmitHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: IDEMPOTENCY_KEY_PATTERN,
      description:
        'Client-chosen key, 1 to 128 of A-Z a-z 0-9 _ -. For a day, repeating a request with the same key and body returns the same run with status 200.',
    }),
  ),
})

/**
 * POST /v1/runs: validates a run specification against the schema, the size limits and the
 * queue catalog, then stores it as QUEUED for the worker to submit to Batch.
 */
const submitRunRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Submit a training run',
        security: COGNITO_SECURITY,
        headers: SubmitHeadersSchema,
        body: RunSpecSchema,
        response: {
          200: RunViewSchema,
          202: RunViewSchema,
          ...errorResponses(400, 401, 409, 413, 415, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const { principal } = request
      const spec = request.body
      checkSubmission(spec, fastify.queueCatalog)

      const idempotencyKey = request.headers['idempotency-key']
      const { run, created } = await fastify.repositories.runs.create({
        userId: principal.userId,
        ...(principal.email !== undefined && { userEmail: principal.email }),
        shareIdentifier: principal.shareIdentifier,
        spec,
        ...(idempotencyKey !== undefined && { idempotencyKey }),
      })

      if (created) {
        await fastify.activity.record(request, 'run.submit', run.runId)
        request.log.info(
          { runId: run.runId, userId: principal.userId, queue: spec.queue },
          'run submitted',
        )
      } else {
        request.log.info({ runId: run.runId, userId: principal.userId }, 'run submission repeated')
        reply.header('idempotent-replayed', 'true')
      }

      reply.header('location', `/v1/runs/${run.runId}`)
      return reply.code(created ? 202 : 200).send(toRunView(run))
    },
  )
}

export default submitRunRoute
