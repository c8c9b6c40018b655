import type { Context } from 'aws-lambda'

/** Account id of the ARNs the local Lambda host makes up; no AWS account has it. */
export const LOCAL_ACCOUNT_ID = '000000000000'

export interface LambdaContextOptions {
  functionName: string
  requestId: string
  region: string
  /** Epoch milliseconds at which the invocation times out. */
  deadline: number
  memoryLimitInMB?: number
}

function unsupported(name: string): () => never {
  return () => {
    throw new Error(
      `context.${name} is not supported by the local Lambda host; return a value or throw instead`,
    )
  }
}

/**
 * Makes the `context` object the Node.js Lambda runtime passes to a handler, with the same
 * fields. The deprecated `done`, `fail` and `succeed` methods throw, because the platform's
 * handlers are async and never call them.
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const { functionName, requestId, region, deadline } = options
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/')

  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 128),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  }
}
