export * from './batch/batch-job-event.js'
export * from './batch/find-run.js'
export * from './clients.js'
export * from './config.js'
export * from './container.js'
export * from './errors.js'
export {
  BATCH_EVENTS_FUNCTION,
  type BatchEventsDependencies,
  type BatchEventsEvent,
  createBatchEventsContainer,
  createBatchEventsHandler,
} from './handlers/batch-events.js'
export {
  createPostConfirmationContainer,
  createPostConfirmationHandler,
  POST_CONFIRMATION_FUNCTION,
  POST_CONFIRMATION_SOURCES,
  type PostConfirmationDependencies,
} from './handlers/post-confirmation.js'
