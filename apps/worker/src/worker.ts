import { setMaxListeners } from 'node:events'
import {
  ConfigurationError,
  CursorCodec,
  createLogger,
  RunRepository,
  tableNames,
} from '@trainplane/shared'
import type { Logger } from 'pino'
import { inspectJobDefinitions } from './batch/job-definitions.js'
import { createWorkerClients, type WorkerClients } from './clients.js'
import type { WorkerConfig } from './config.js'
import type { WorkerContext } from './context.js'
import type { FaultHooks } from './faults.js'
import { type CancelSummary, cancelOnce } from './loops/cancel.js'
import { DISPATCH_CONCURRENCY, type DispatchSummary, dispatchOnce } from './loops/dispatch.js'
import { type MonitorSummary, monitorOnce } from './loops/monitor.js'
import { MonitorState } from './loops/node-lookups.js'
import { type ReconcileSummary, reconcileOnce } from './loops/reconcile.js'
import { StopRequests } from './loops/stop-requests.js'
import { SubmitRateLimiter } from './rate-limit/submit-rate-limiter.js'
import { ThrottleBackoff } from './rate-limit/throttle-backoff.js'
import { sleep } from './util/sleep.js'

/** Options for tests; production passes none. */
export interface WorkerOptions {
  /** The time leases and queue waits are measured with; `new Date()` by default. */
  clock?: () => Date
  faults?: FaultHooks
}

type LoopName = 'dispatch' | 'reconcile' | 'monitor' | 'cancel'

/**
 * The worker service: four loops (dispatch, reconcile, monitor, cancel) over the runs table and
 * AWS Batch, each safe to run in several replicas at once because every change is a
 * conditional write. Tests call the `*Once` steps directly; `start` runs them on a timer.
 */
export class Worker {
  readonly #context: WorkerContext
  readonly #controller: AbortController
  readonly #clients: WorkerClients
  readonly #monitorState = new MonitorState()
  readonly #stops = new StopRequests()
  #loops: Promise<void> | undefined
  #stopping: Promise<void> | undefined

  /** Use createWorker, which checks the job definitions first. */
  constructor(context: WorkerContext, controller: AbortController, clients: WorkerClients) {
    this.#context = context
    this.#controller = controller
    this.#clients = clients
  }

  get logger(): Logger {
    return this.#context.logger
  }

  dispatchOnce(): Promise<DispatchSummary> {
    return dispatchOnce(this.#context)
  }

  reconcileOnce(): Promise<ReconcileSummary> {
    return reconcileOnce(this.#context)
  }

  monitorOnce(): Promise<MonitorSummary> {
    return monitorOnce(this.#context, this.#monitorState, this.#stops)
  }

  cancelOnce(): Promise<CancelSummary> {
    return cancelOnce(this.#context, this.#stops)
  }

  /** Starts the four loops, each pausing POLL_INTERVAL_MS between cycles. */
  start(): void {
    if (this.#loops) return
    const steps: Record<LoopName, () => Promise<unknown>> = {
      dispatch: () => this.dispatchOnce(),
      reconcile: () => this.reconcileOnce(),
      monitor: () => this.monitorOnce(),
      cancel: () => this.cancelOnce(),
    }
    this.#loops = Promise.all(
      (Object.keys(steps) as LoopName[]).map((name) => this.#loop(name, steps[name])),
    ).then(() => undefined)
    this.#context.logger.info(
      {
        workerId: this.#context.config.workerId,
        pollIntervalMs: this.#context.config.pollIntervalMs,
      },
      'worker started',
    )
  }

  async #loop(name: LoopName, step: () => Promise<unknown>): Promise<void> {
    const { signal, logger, config } = this.#context
    while (!signal.aborted) {
      try {
        await step()
      } catch (err) {
        logger.error({ err, loop: name }, 'loop cycle failed')
      }
      try {
        await sleep(config.pollIntervalMs, signal)
      } catch {
        // Aborted: the worker is stopping.
      }
    }
  }

  /**
   * Stops the worker: no new step starts, steps in progress finish (a claimed run is either
   * submitted and recorded or given back to the queue), then clients the worker built close.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    this.#context.logger.info({ workerId: this.#context.config.workerId }, 'worker stopping')
    this.#controller.abort(new Error('worker stopping'))
    await this.#loops
    this.#clients.destroy?.()
    this.#context.logger.info({ workerId: this.#context.config.workerId }, 'worker stopped')
  }
}

/**
 * Builds a worker without starting its loops: the clients (from the configuration unless
 * given), the repositories, and the queues' job types, checked against Batch's job
 * definitions.
 *
 * @throws JobDefinitionMismatchError when a queue's job definition cannot run the catalog's runs
 * @throws ConfigurationError when the SubmitJob client retries by itself
 */
export async function createWorker(
  config: WorkerConfig,
  clients: WorkerClients = createWorkerClients(config),
  options: WorkerOptions = {},
): Promise<Worker> {
  const logger = clients.logger ?? createLogger({ name: 'worker', level: config.logLevel })
  const tables = tableNames(config.tablePrefix)
  const runs = new RunRepository(clients.document, tables, new CursorCodec(config.cursorSigningKey))
  const submitBatch = clients.submitBatch ?? clients.batch
  const submitAttempts = await submitBatch.config.maxAttempts()
  if (submitAttempts !== 1) {
    throw new ConfigurationError(
      `the Batch client for SubmitJob makes ${submitAttempts} attempts per call; give one with maxAttempts 1 as submitBatch, because a retried SubmitJob can create a second job`,
    )
  }
  const jobTypes = await inspectJobDefinitions(clients.batch, config.queueCatalog)
  const controller = new AbortController()
  // Every step waiting in a pause listens for the stop; Node warns past 10 listeners, and the
  // loops together run up to DISPATCH_CONCURRENCY steps plus a few more at once.
  setMaxListeners(DISPATCH_CONCURRENCY * 4, controller.signal)

  const context: WorkerContext = {
    config,
    batch: clients.batch,
    submitBatch,
    runs,
    notifier: clients.notifier,
    logger,
    limiter: new SubmitRateLimiter(clients.document, tables.runs, config.submitRatePerSecond),
    backoff: new ThrottleBackoff(),
    jobTypes,
    clock: options.clock ?? (() => new Date()),
    faults: options.faults ?? {},
    signal: controller.signal,
  }
  return new Worker(context, controller, clients)
}

/** Builds a worker and starts its loops; for the local stack and tests. */
export async function startWorker(
  config: WorkerConfig,
  clients?: WorkerClients,
  options: WorkerOptions = {},
): Promise<Worker> {
  const worker = await createWorker(config, clients, options)
  worker.start()
  return worker
}
