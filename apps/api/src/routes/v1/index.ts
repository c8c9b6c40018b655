import type { FastifyPluginAsync } from 'fastify'
import activityRoutes from './activity.js'
import meRoutes from './me.js'
import queueRoutes from './queues.js'
import cancelRunRoute from './runs/cancel-run.js'
import getLogsRoute from './runs/get-logs.js'
import getMetricsRoute from './runs/get-metrics.js'
import getResultsRoute from './runs/get-results.js'
import getRunRoute from './runs/get-run.js'
import listRunsRoute from './runs/list-runs.js'
import submitRunRoute from './runs/submit-run.js'

/**
 * Version 1 of the API. Every route in it needs a verified Cognito token. The routes training
 * code reports through sit beside it, in reporting/, behind a run token instead.
 */
const v1Routes: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticate)

  await fastify.register(submitRunRoute)
  await fastify.register(listRunsRoute)
  await fastify.register(getRunRoute)
  await fastify.register(cancelRunRoute)
  await fastify.register(getMetricsRoute)
  await fastify.register(getResultsRoute)
  await fastify.register(getLogsRoute)
  await fastify.register(queueRoutes)
  await fastify.register(meRoutes)
  await fastify.register(activityRoutes)
}

export default v1Routes
