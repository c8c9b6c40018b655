import type { LambdaHandler } from '../container.js'
import { createLambdaContext } from './lambda-context.js'

/** The function error body Lambda's Node.js runtime returns for a thrown error. */
export interface FunctionErrorBody {
  errorType: string
  errorMessage: string
  trace?: string[]
}

export type InvocationResult =
  | { outcome: 'succeeded'; payload: string }
  | { outcome: 'failed' | 'timed out'; error: FunctionErrorBody }

export interface InvocationInput {
  functionName: string
  handler: LambdaHandler
  requestId: string
  event: unknown
  region: string
  timeoutMs: number
}

class InvocationTimeout extends Error {}

function errorBody(err: unknown): FunctionErrorBody {
  if (err instanceof Error) {
    return {
      errorType: err.name || 'Error',
      errorMessage: err.message,
      trace: (err.stack ?? '').split('\n'),
    }
  }
  return { errorType: 'Error', errorMessage: String(err) }
}

/**
 * Runs one invocation in this process with a Lambda-shaped context, and returns the result as
 * JSON, or the function error for a thrown error or a timeout. A timed-out handler keeps
 * running, since an in-process call cannot be stopped, but its result is ignored.
 */
export async function runInvocation(input: InvocationInput): Promise<InvocationResult> {
  const { functionName, handler, requestId, event, region, timeoutMs } = input
  const deadline = Date.now() + timeoutMs
  const context = createLambdaContext({ functionName, requestId, region, deadline })

  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeout()), timeoutMs)
  })
  try {
    const result = await Promise.race([handler(event, context), timeout])
    return { outcome: 'succeeded', payload: JSON.stringify(result) ?? 'null' }
  } catch (err) {
    if (err instanceof InvocationTimeout) {
      // Lambda reports a timeout as an Unhandled function error too.
      const seconds = (timeoutMs / 1000).toFixed(2)
      return {
        outcome: 'timed out',
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `${requestId} Task timed out after ${seconds} seconds`,
        },
      }
    }
    return { outcome: 'failed', error: errorBody(err) }
  } finally {
    clearTimeout(timer)
  }
}
