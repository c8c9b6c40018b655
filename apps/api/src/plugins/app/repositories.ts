import { ActivityRepository, CursorCodec, RunRepository, UserRepository } from '@trainplane/shared'
import fp from 'fastify-plugin'

/**
 * Builds the shared repositories over the configured tables, with list cursors signed by
 * CURSOR_SIGNING_KEY.
 */
export default fp(
  async (fastify) => {
    const { document } = fastify.dynamoDb
    const cursors = new CursorCodec(fastify.config.cursorSigningKey)

    fastify.decorate('repositories', {
      runs: new RunRepository(document, fastify.tables, cursors),
      users: new UserRepository(document, fastify.tables),
      activity: new ActivityRepository(document, fastify.tables, cursors),
    })
  },
  { name: 'repositories', dependencies: ['config', 'dynamodb'] },
)
