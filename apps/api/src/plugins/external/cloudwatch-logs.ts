import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import fp from 'fastify-plugin'

export interface CloudWatchLogsPluginOptions {
  /** A client built by the caller, such as a test; the caller also destroys it. */
  client?: CloudWatchLogsClient
}

/**
 * Builds the CloudWatch Logs client once, from AWS_REGION and LOGS_ENDPOINT, for reading node
 * logs. A client built here is destroyed when the server closes.
 */
export default fp<CloudWatchLogsPluginOptions>(
  async (fastify, options) => {
    const { config } = fastify
    const owned = options.client === undefined
    const client =
      options.client ??
      new CloudWatchLogsClient({
        region: config.aws.region,
        ...(config.aws.logsEndpoint !== undefined && { endpoint: config.aws.logsEndpoint }),
      })

    fastify.decorate('cloudWatchLogs', client)

    if (owned) {
      fastify.addHook('onClose', async () => {
        client.destroy()
      })
    }
  },
  { name: 'cloudwatch-logs', dependencies: ['config'] },
)
