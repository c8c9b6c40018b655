import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Queue } from '@trainplane/shared'
import type { Static } from 'typebox'
import { errorResponses } from '../../schemas/error.js'
import { QueueListSchema, type QueueViewSchema } from '../../schemas/queue.js'
import { COGNITO_SECURITY } from '../../schemas/security.js'

/** The catalog entry without the Batch job queue and job definition, which are internal. */
function toQueueView(queue: Queue): Static<typeof QueueViewSchema> {
  return {
    name: queue.name,
    ...(queue.description !== undefined && { description: queue.description }),
    maxNodes: queue.maxNodes,
    gpusPerNode: queue.gpusPerNode,
    vcpusPerNode: queue.vcpusPerNode,
    memoryMiBPerNode: queue.memoryMiBPerNode,
    sharedMemoryMiB: queue.sharedMemoryMiB,
    spot: queue.spot,
    fairShare: queue.fairShare,
    maxRunnableSeconds: queue.maxRunnableSeconds,
    maxTimeoutSeconds: queue.maxTimeoutSeconds,
    pricePerGpuHour: queue.pricePerGpuHour,
    allowedImagePrefixes: queue.allowedImagePrefixes,
  }
}

/** GET /v1/queues: the queues users submit to, with their limits and prices. */
const queueRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const items = fastify.queueCatalog.queues.map(toQueueView)

  fastify.get(
    '/queues',
    {
      schema: {
        tags: ['queues'],
        summary: 'List the queues runs can be submitted to',
        security: COGNITO_SECURITY,
        response: { 200: QueueListSchema, ...errorResponses(401, 429, 500, 503) },
      },
    },
    async () => ({ items }),
  )
}

export default queueRoutes
