import { CursorCodec } from '@trainplane/shared'
import fp from 'fastify-plugin'
import { NodeLogReader } from '../../logs/node-log-reader.js'

/** Builds the node log reader on BATCH_LOG_GROUP, its cursors signed by CURSOR_SIGNING_KEY. */
export default fp(
  async (fastify) => {
    const cursors = new CursorCodec(fastify.config.cursorSigningKey)
    fastify.decorate(
      'nodeLogs',
      new NodeLogReader(fastify.cloudWatchLogs, cursors, fastify.config.batchLogGroup),
    )
  },
  { name: 'node-logs', dependencies: ['config', 'cloudwatch-logs'] },
)
