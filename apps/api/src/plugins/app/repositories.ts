import {
  ActivityRepository,
  CursorCodec,
  ResultsRepository,
  RunRepository,
  UserRepository,
} from '@trainplane/shared'
import fp from 'fastify-plugin'

/**
 * Builds the shared repositories over the configured tables, with list cursors signed by
 * CURSOR_SIGNING_KEY. Metric points expire after METRIC_RETENTION_DAYS.
 */
export default fp(
  async (fastify) => {
    const { document } = fastify.dynamoDb
    const cursors = new CursorCodec(fastify.config.cursorSigningKey)

    fastify.decorate('repositories', {
      runs: new RunRepository(document, fastify.tables, cursors),
      users: new UserRepository(document, fastify.tables),
      activity: new ActivityRepository(document, fastify.tables, cursors),
      results: new ResultsRepository(
        document,
        fastify.tables,
        cursors,
        fastify.config.metricRetentionDays,
      ),
    })
  },
  { name: 'repositories', dependencies: ['config', 'dynamodb'] },
)
