import type { ActivityRepository } from '@trainplane/shared'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/** Actions recorded in the activity table. */
export type ActivityAction = 'run.submit' | 'run.cancel'

/**
 * Appends one activity record per state-changing request: who acted, what, on which run, the
 * request id and the client address as resolved behind TRUSTED_PROXIES.
 */
export class ActivityRecorder {
  readonly #activity: ActivityRepository
  readonly #logger: FastifyBaseLogger

  constructor(activity: ActivityRepository, logger: FastifyBaseLogger) {
    this.#activity = activity
    this.#logger = logger
  }

  /**
   * Records an action that already took effect. A failure is logged and not raised: the change
   * itself is stored, and failing the request would tell the client it was not.
   *
   * NOTE: the run and its activity record are two writes, so a crash between them leaves a
   * change without its record; the run's status history still shows the change.
   */
  async record(request: FastifyRequest, action: ActivityAction, runId?: string): Promise<void> {
    const userId = request.principal.userId
    try {
      await this.#activity.append({
        userId,
        action,
        ...(runId !== undefined && { runId }),
        requestId: request.id,
        sourceIp: request.ip,
      })
    } catch (err) {
      this.#logger.error(
        { err, userId, runId, requestId: request.id, action },
        'activity record failed',
      )
    }
  }
}

export default fp(
  async (fastify) => {
    fastify.decorate('activity', new ActivityRecorder(fastify.repositories.activity, fastify.log))
  },
  { name: 'activity', dependencies: ['repositories'] },
)
