import { createLogger, type UserRepository } from '@trainplane/shared'
import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda'
import type { Logger } from 'pino'
import { createStorageClients, createUserRepository, credentialsFrom } from '../clients.js'
import { type Environment, loadPostConfirmationConfig } from '../config.js'
import { type FunctionContainer, type LambdaHandler, lazyHandler } from '../container.js'

export const POST_CONFIRMATION_FUNCTION = 'post-confirmation'

/**
 * Trigger sources of the PostConfirmation trigger, which Cognito invokes on ConfirmSignUp,
 * AdminConfirmSignUp and ConfirmForgotPassword (Cognito developer guide, "Post confirmation
 * Lambda trigger").
 */
export const POST_CONFIRMATION_SOURCES = [
  'PostConfirmation_ConfirmSignUp',
  'PostConfirmation_ConfirmForgotPassword',
]

export interface PostConfirmationDependencies {
  users: UserRepository
  logger: Logger
  now?: () => Date
}

function attribute(event: PostConfirmationTriggerEvent, name: string): string | undefined {
  const value = event?.request?.userAttributes?.[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Makes the post-confirmation handler. It creates the user's profile (Cognito `sub`, email,
 * created time) unless one exists, and returns the event unchanged, as Cognito expects.
 *
 * Cognito fails the user's confirmation when the trigger throws, so the handler never throws for
 * a storage error: it logs it, and the API creates the missing profile on the user's first
 * request.
 */
export function createPostConfirmationHandler(
  deps: PostConfirmationDependencies,
): LambdaHandler<PostConfirmationTriggerEvent, PostConfirmationTriggerEvent> {
  const now = deps.now ?? (() => new Date())

  return async (event, context: Context) => {
    const triggerSource: unknown = event?.triggerSource
    const log = deps.logger.child({ requestId: context.awsRequestId, triggerSource })
    if (typeof triggerSource !== 'string' || !POST_CONFIRMATION_SOURCES.includes(triggerSource)) {
      // The profile does not depend on the source, so an unexpected source still gets one.
      log.warn('unexpected trigger source for post-confirmation')
    }

    const userId = attribute(event, 'sub')
    if (!userId) {
      log.error(
        { userPoolId: event?.userPoolId },
        'profile not created: the event has no sub attribute',
      )
      return event
    }

    const userLog = log.child({ userId })
    const email = attribute(event, 'email')
    try {
      const created = await deps.users.createIfAbsent({
        userId,
        ...(email !== undefined && { email }),
        createdAt: now().toISOString(),
      })
      userLog.info({ created }, created ? 'user profile created' : 'user profile already exists')
    } catch (err) {
      userLog.error({ err }, 'profile not created; the API creates it on the first request')
    }
    return event
  }
}

/**
 * Builds the post-confirmation container from environment variables: configuration checked
 * once, and the DynamoDB client created once for every invocation the container serves.
 *
 * @throws ConfigurationError naming every missing or invalid variable
 */
export function createPostConfirmationContainer(
  env: Environment,
  options: { logger?: Logger } = {},
): FunctionContainer<PostConfirmationTriggerEvent, PostConfirmationTriggerEvent> {
  const config = loadPostConfirmationConfig(env)
  const logger =
    options.logger ?? createLogger({ name: POST_CONFIRMATION_FUNCTION, level: config.logLevel })

  const storage = createStorageClients(config, credentialsFrom(env))
  const handler = createPostConfirmationHandler({
    users: createUserRepository(config, storage),
    logger,
  })

  return { handler, close: () => storage.client.destroy() }
}

/** The Lambda entry point, configured from `process.env`. */
export const handler: LambdaHandler<PostConfirmationTriggerEvent, PostConfirmationTriggerEvent> =
  lazyHandler(() => createPostConfirmationContainer(process.env))
