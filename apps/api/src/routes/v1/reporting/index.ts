import type { FastifyPluginAsync } from 'fastify'
import { loadReportingRun } from '../../../runs/reporting-window.js'
import reportMetricsRoute from './report-metrics.js'
import reportResultsRoute from './report-results.js'

/**
 * Registers the routes training code reports metrics and results through, behind the run's
 * RUN_TOKEN instead of a Cognito token. The run is read before the body is validated, so a
 * report for a missing or long-finished run gets that error whatever its body contains.
 */
const reportingRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticateRunToken)
  fastify.addHook('preValidation', async (request) => {
    await loadReportingRun(
      fastify.repositories.runs,
      request.reportingRunId ?? '',
      fastify.config.runReportGraceSeconds,
    )
  })

  await fastify.register(reportMetricsRoute)
  await fastify.register(reportResultsRoute)
}

export default reportingRoutes
