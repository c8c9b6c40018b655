import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { type BatchOperation, createApiServer } from './api/http-server.js'
import { discardEvents, type JobEventSink } from './events/job-state-change.js'
import { LambdaEventPublisher } from './events/lambda-event-publisher.js'
import { getLogEvents } from './logs/get-log-events.js'
import { LogStore } from './logs/log-store.js'
import type { ArnScope } from './model/arns.js'
import { cancelJob, terminateJob } from './operations/job-control.js'
import {
  deregisterJobDefinition,
  describeJobDefinitions,
  registerJobDefinition,
} from './operations/job-definitions.js'
import { describeJobs, listJobs } from './operations/job-queries.js'
import { createJobQueue, describeJobQueues, updateJobQueue } from './operations/job-queues.js'
import {
  createSchedulingPolicy,
  describeSchedulingPolicies,
} from './operations/scheduling-policies.js'
import { submitJob } from './operations/submit-job.js'
import { listTagsForResource, tagResource, untagResource } from './operations/tags.js'
import { type BatchLocalOptions, validateOptions } from './options.js'
import { defaultBaseEnvironment } from './runtime/node-environment.js'
import { JobScheduler } from './scheduler/job-scheduler.js'
import { StatusRecorder } from './scheduler/status-recorder.js'
import { BatchState } from './state/batch-state.js'
import { StateFile } from './state/state-file.js'

/** A running batch-local. */
export interface BatchLocal {
  /** Base URL for both the Batch and the CloudWatch Logs clients, such as `http://127.0.0.1:41234`. */
  readonly endpoint: string
  readonly host: string
  readonly port: number
  readonly region: string
  readonly accountId: string
  /**
   * Stops batch-local: running jobs end FAILED with a host-terminated status reason and their
   * processes are killed, queued events get up to `eventDrainTimeoutMs` to be delivered, and
   * the state is saved. Queued jobs stay queued for the next start with the same state folder.
   */
  close(): Promise<void>
}

/**
 * Starts batch-local: the Batch and CloudWatch Logs APIs on one HTTP server, and the scheduler
 * that runs submitted jobs as local processes.
 *
 * @param options - see BatchLocalOptions, where every option has a default
 * @example
 * const batchLocal = await startBatchLocal({ stepDelayMs: 50 })
 * const batch = new BatchClient({
 *   endpoint: batchLocal.endpoint,
 *   region: batchLocal.region,
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
 * })
 * // ...
 * await batchLocal.close()
 */
export async function startBatchLocal(options: BatchLocalOptions = {}): Promise<BatchLocal> {
  validateOptions(options)
  const logger = options.logger ?? pino({ name: 'batch-local' })
  const scope: ArnScope = {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
  }

  const state = new BatchState(scope)
  const stateFile =
    options.stateDir === undefined
      ? undefined
      : new StateFile(options.stateDir, () => state.toPersisted(), logger)
  const saved = stateFile?.load()
  if (saved !== undefined) {
    state.restore(saved)
  }
  state.onChange(() => stateFile?.scheduleSave())

  const logStore = new LogStore(options.stateDir, logger)
  logStore.load()
  const publisher =
    options.events === undefined
      ? undefined
      : new LambdaEventPublisher(options.events, scope, logger)
  const events: JobEventSink = publisher ?? discardEvents
  const scheduler = new JobScheduler({
    state,
    scope,
    logStore,
    logger,
    recorder: new StatusRecorder(state, events),
    stepDelayMs: options.stepDelayMs ?? 250,
    timeScale: options.timeScale ?? 1,
    stopTimeoutMs: options.stopTimeoutMs ?? 2000,
    baseEnvironment: options.baseEnvironment ?? defaultBaseEnvironment(),
    workingDirectory: options.workingDirectory ?? process.cwd(),
  })

  const server = createApiServer(
    {
      batch: batchOperations(state, scheduler),
      tags: {
        list: (arn) => listTagsForResource(state, arn),
        tag: (arn, request) => {
          const result = tagResource(state, arn, request)
          scheduler.wake()
          return result
        },
        untag: (arn, keys) => {
          const result = untagResource(state, arn, keys)
          scheduler.wake()
          return result
        },
      },
      logs: new Map([['GetLogEvents', (request) => getLogEvents(logStore, request)]]),
    },
    logger,
  )

  try {
    await listen(server, options.port ?? 0, options.host ?? '127.0.0.1')
  } catch (error) {
    await publisher?.close(0)
    await logStore.close()
    throw error
  }

  // Node processes run in their own process groups, so they outlive batch-local unless killed.
  // No handler runs on SIGKILL, so a batch-local killed that way leaves its nodes running.
  const killOnExit = () => scheduler.killAllProcesses()
  process.on('exit', killOnExit)
  scheduler.resume()

  const address = server.address() as AddressInfo
  const endpoint = `http://${formatHost(address.address)}:${address.port}`
  logger.info({ endpoint, stateDir: options.stateDir }, 'batch-local started')

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      server.close()
      server.closeIdleConnections()
      await scheduler.close()
      await publisher?.close(options.eventDrainTimeoutMs ?? 5000)
      await stateFile?.flush()
      await logStore.close()
      server.closeAllConnections()
      process.off('exit', killOnExit)
      logger.info({ endpoint }, 'batch-local stopped')
    })()
    return closing
  }

  return {
    endpoint,
    host: address.address,
    port: address.port,
    region: scope.region,
    accountId: scope.accountId,
    close,
  }
}

function batchOperations(state: BatchState, scheduler: JobScheduler): Map<string, BatchOperation> {
  return new Map<string, BatchOperation>([
    ['registerjobdefinition', (request) => registerJobDefinition(state, request)],
    ['describejobdefinitions', (request) => describeJobDefinitions(state, request)],
    ['deregisterjobdefinition', (request) => deregisterJobDefinition(state, request)],
    ['createschedulingpolicy', (request) => createSchedulingPolicy(state, request)],
    ['describeschedulingpolicies', (request) => describeSchedulingPolicies(state, request)],
    ['createjobqueue', (request) => createJobQueue(state, request)],
    ['describejobqueues', (request) => describeJobQueues(state, request)],
    [
      'updatejobqueue',
      (request) => {
        const result = updateJobQueue(state, request)
        scheduler.wake()
        return result
      },
    ],
    ['submitjob', (request) => submitJob(state, scheduler, request)],
    ['describejobs', (request) => describeJobs(state, request)],
    ['listjobs', (request) => listJobs(state, request)],
    ['canceljob', (request) => cancelJob(state, scheduler, request)],
    ['terminatejob', (request) => terminateJob(state, scheduler, request)],
  ])
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address
}
