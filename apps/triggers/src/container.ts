import type { Context } from 'aws-lambda'

/** An async Lambda handler, as the Node.js runtime and the local Lambda host call it. */
export type LambdaHandler<TEvent = unknown, TResult = unknown> = (
  event: TEvent,
  context: Context,
) => Promise<TResult>

/**
 * One function's handler with the clients it created, as a Lambda container keeps them from its
 * cold start to its end. `close` releases the clients.
 */
export interface FunctionContainer<TEvent = unknown, TResult = unknown> {
  handler: LambdaHandler<TEvent, TResult>
  close(): void
}

/**
 * Wraps a container factory into the exported `handler` of a Lambda module. The container is
 * built on the first invocation, which on Lambda directly follows the cold start, and kept for
 * every later invocation. A failed build (such as a missing variable) is not kept, so every
 * invocation fails with the same message until the configuration is fixed.
 */
export function lazyHandler<TEvent, TResult>(
  build: () => FunctionContainer<TEvent, TResult>,
): LambdaHandler<TEvent, TResult> {
  let container: FunctionContainer<TEvent, TResult> | undefined
  return async (event, context) => {
    container ??= build()
    return container.handler(event, context)
  }
}
