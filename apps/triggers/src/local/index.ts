export type { LambdaHandler } from '../container.js'
export type { LambdaFunctions } from './default-functions.js'
export { createDefaultFunctions } from './default-functions.js'
export {
  functionNameOf,
  MAX_EVENT_PAYLOAD_BYTES,
  MAX_PAYLOAD_BYTES,
} from './invoke-request.js'
export { createLambdaContext, LOCAL_ACCOUNT_ID } from './lambda-context.js'
export { type LambdaHost, type LambdaHostOptions, startLambdaHost } from './lambda-host.js'
export type { PublishRequest, RecordedAttribute } from './sns-publish.js'
export {
  type RecordedMessage,
  type SnsRecorder,
  type SnsRecorderOptions,
  startSnsRecorder,
} from './sns-recorder.js'
