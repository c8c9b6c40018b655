import {
  applyBatchJob,
  createLogger,
  type RunDetails,
  type RunNotifier,
  type RunRepository,
  SnsRunNotifier,
} from '@trainplane/shared'
import type { Context, EventBridgeEvent } from 'aws-lambda'
import type { Logger } from 'pino'
import { type BatchJobEvent, parseBatchJobEvent } from '../batch/batch-job-event.js'
import { findRunForJob } from '../batch/find-run.js'
import {
  createRunRepository,
  createSnsClient,
  createStorageClients,
  credentialsFrom,
} from '../clients.js'
import { type Environment, loadBatchEventsConfig } from '../config.js'
import { type FunctionContainer, type LambdaHandler, lazyHandler } from '../container.js'
import { InvalidBatchEventError } from '../errors.js'

export const BATCH_EVENTS_FUNCTION = 'batch-events'

/** The EventBridge event. Its shape is checked at run time, because any rule could send it. */
export type BatchEventsEvent = EventBridgeEvent<string, unknown>

export interface BatchEventsDependencies {
  runs: RunRepository
  notifier: RunNotifier
  logger: Logger
}

/**
 * Makes the batch-events handler. It applies each "Batch Job State Change" event to its run
 * through the shared mapping and finish step, so duplicated, late and reordered events never move
 * a run backwards and a run notifies once.
 *
 * Events it cannot use (another source, no job id, a node's own event, an unknown job) are logged
 * by id and dropped, because a retry would not change them. Storage and SNS client errors are
 * thrown, so Lambda retries the asynchronous invocation.
 */
export function createBatchEventsHandler(
  deps: BatchEventsDependencies,
): LambdaHandler<BatchEventsEvent, void> {
  return async (event: BatchEventsEvent, context: Context): Promise<void> => {
    const log = deps.logger.child({ requestId: context.awsRequestId })

    let parsed: BatchJobEvent
    try {
      parsed = parseBatchJobEvent(event)
    } catch (err) {
      if (!(err instanceof InvalidBatchEventError)) throw err
      const eventId = typeof event?.id === 'string' ? event.id : undefined
      log.warn(
        { eventId, code: err.code, field: err.field },
        'event dropped: not a usable batch job event',
      )
      return
    }

    const jobLog = log.child({ jobId: parsed.jobId, eventId: parsed.eventId })
    if (parsed.isNodeEvent) {
      // The main node's final status decides the job's (AWS Batch user guide, "Multi-node
      // parallel jobs"), and Batch reports it in the job's own events.
      jobLog.debug({ nodeIndex: parsed.nodeIndex }, 'node event ignored')
      return
    }

    const match = await findRunForJob(deps.runs, parsed)
    if (match.kind === 'unknown') {
      jobLog.warn({ runIdTag: parsed.runIdTag }, 'event dropped: no run has this job')
      return
    }
    if (match.kind === 'other-job') {
      jobLog.warn(
        { runId: match.run.runId, recordedJobId: match.run.jobId },
        'event dropped: the run tagged on this job records another job',
      )
      return
    }

    // A run found by its tag may not have its job id yet; storing it with the change lets the
    // monitor follow the job.
    const extra: RunDetails =
      match.run.jobId === undefined
        ? { jobId: parsed.jobId, ...(parsed.jobName !== undefined && { jobName: parsed.jobName }) }
        : {}
    const runLog = jobLog.child({ runId: match.run.runId, userId: match.run.userId })
    const result = await applyBatchJob(
      { runs: deps.runs, notifier: deps.notifier, logger: runLog },
      match.run.runId,
      parsed.job,
      [],
      extra,
    )

    runLog.info(
      {
        batchStatus: parsed.job.status,
        foundBy: match.via,
        outcome: result.outcome,
        ...('run' in result && { status: result.run.status, attempt: result.run.attempt }),
        ...('notified' in result && { notified: result.notified }),
      },
      'batch event applied',
    )
  }
}

/**
 * Builds the batch-events container from environment variables: configuration checked once, and
 * the DynamoDB and SNS clients created once for every invocation the container serves.
 *
 * @throws ConfigurationError naming every missing or invalid variable
 */
export function createBatchEventsContainer(
  env: Environment,
  options: { logger?: Logger } = {},
): FunctionContainer<BatchEventsEvent, void> {
  const config = loadBatchEventsConfig(env)
  const credentials = credentialsFrom(env)
  const logger =
    options.logger ?? createLogger({ name: BATCH_EVENTS_FUNCTION, level: config.logLevel })

  const storage = createStorageClients(config, credentials)
  const sns = createSnsClient(config, credentials)
  const handler = createBatchEventsHandler({
    runs: createRunRepository(config, storage),
    notifier: new SnsRunNotifier(sns, config.snsTopicArn),
    logger,
  })

  return {
    handler,
    close: () => {
      storage.client.destroy()
      sns.destroy()
    },
  }
}

/** The Lambda entry point, configured from `process.env`. */
export const handler: LambdaHandler<BatchEventsEvent, void> = lazyHandler(() =>
  createBatchEventsContainer(process.env),
)
