import fp from 'fastify-plugin'

/** The queue catalog loaded and validated with the configuration, as `fastify.queueCatalog`. */
export default fp(
  async (fastify) => {
    fastify.decorate('queueCatalog', fastify.config.queueCatalog)
  },
  { name: 'queue-catalog', dependencies: ['config'] },
)
