import type { Logger } from 'pino'
import type { Environment } from '../config.js'
import type { LambdaHandler } from '../container.js'
import { BATCH_EVENTS_FUNCTION, createBatchEventsContainer } from '../handlers/batch-events.js'
import {
  createPostConfirmationContainer,
  POST_CONFIRMATION_FUNCTION,
} from '../handlers/post-confirmation.js'

/** Handlers by function name, as the local Lambda host serves them. */
export type LambdaFunctions = Record<string, LambdaHandler>

/**
 * Builds the platform's two functions from one environment, as their Lambda containers would
 * be built: configuration checked now, clients created once.
 *
 * @throws ConfigurationError naming every missing or invalid variable
 */
export function createDefaultFunctions(
  env: Environment,
  logger: Logger,
): { functions: LambdaFunctions; close(): void } {
  const batchEvents = createBatchEventsContainer(env, {
    logger: logger.child({ functionName: BATCH_EVENTS_FUNCTION }),
  })
  let postConfirmation: ReturnType<typeof createPostConfirmationContainer>
  try {
    postConfirmation = createPostConfirmationContainer(env, {
      logger: logger.child({ functionName: POST_CONFIRMATION_FUNCTION }),
    })
  } catch (err) {
    batchEvents.close()
    throw err
  }

  return {
    functions: {
      [BATCH_EVENTS_FUNCTION]: batchEvents.handler as LambdaHandler,
      [POST_CONFIRMATION_FUNCTION]: postConfirmation.handler as LambdaHandler,
    },
    close: () => {
      batchEvents.close()
      postConfirmation.close()
    },
  }
}
