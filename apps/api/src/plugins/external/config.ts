import fp from 'fastify-plugin'
import type { ApiConfig } from '../../config.js'

/** Puts the configuration, validated once at start, on the instance as `fastify.config`. */
export default fp<{ config: ApiConfig }>(
  async (fastify, options) => {
    fastify.decorate('config', options.config)
  },
  { name: 'config' },
)
