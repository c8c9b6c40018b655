import type { JobDetail } from '@aws-sdk/client-batch'
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda'
import type { Logger } from 'pino'
import type { ArnScope } from '../model/arns.js'
import {
  type JobEventSink,
  type JobStateChangeEvent,
  toJobStateChangeEvent,
} from './job-state-change.js'

/** Delivery settings of job state change events. */
export interface EventDeliveryOptions {
  /** Lambda API endpoint, such as `http://127.0.0.1:9001`. */
  endpoint: string
  functionName: string
  /** Region of the Lambda client. @default the region batch-local writes into ARNs */
  region?: string
  /**
   * Also send an event when a node of a multi-node job (`jobId#N`) changes status.
   * @default false
   */
  includeNodeJobs?: boolean
  /** Delay before the first retry of a failed delivery, doubled on each further failure. @default 100 */
  retryBaseDelayMs?: number
  /** Maximum delay between retries. @default 5000 */
  retryMaxDelayMs?: number
}

/**
 * Delivers "Batch Job State Change" events through the Lambda Invoke API, at least once and in
 * the order the changes happened. Events wait in an in-memory queue that one loop delivers
 * one at a time, so a slow or failing receiver delays later events but never the scheduler.
 * A failed delivery, or a response with a FunctionError, is retried with exponential backoff
 * until it succeeds or batch-local stops.
 *
 * Events still queued when batch-local stops are lost, even with a state folder.
 */
export class LambdaEventPublisher implements JobEventSink {
  private readonly client: LambdaClient
  private readonly queue: JobStateChangeEvent[] = []
  private pumping: Promise<void> | undefined
  private stopped = false
  private cancelWait: (() => void) | undefined
  private readonly retryBaseDelayMs: number
  private readonly retryMaxDelayMs: number

  constructor(
    private readonly options: EventDeliveryOptions,
    private readonly scope: ArnScope,
    private readonly logger: Logger,
  ) {
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 100
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 5000
    this.client = new LambdaClient({
      endpoint: options.endpoint,
      region: options.region ?? scope.region,
      // The local Lambda host does not check signatures, but the SDK needs credentials to sign.
      credentials: { accessKeyId: 'batch-local', secretAccessKey: 'batch-local' },
      // This publisher retries on its own, without limit, so the SDK must not retry as well.
      maxAttempts: 1,
    })
  }

  jobChanged(detail: JobDetail): void {
    this.enqueue(detail)
  }

  nodeChanged(detail: JobDetail): void {
    if (this.options.includeNodeJobs === true) {
      this.enqueue(detail)
    }
  }

  /** Waits up to `drainTimeoutMs` for queued events to be delivered, then stops delivering. */
  async close(drainTimeoutMs: number): Promise<void> {
    if (this.queue.length > 0 && this.pumping !== undefined) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainTimeoutMs)
      })
      await Promise.race([this.pumping, timeout])
      clearTimeout(timer)
    }

    this.stopped = true
    this.cancelWait?.()
    await this.pumping
    if (this.queue.length > 0) {
      this.logger.warn({ undelivered: this.queue.length }, 'events not delivered before stop')
    }
    this.client.destroy()
  }

  private enqueue(detail: JobDetail): void {
    if (this.stopped) {
      return
    }
    this.queue.push(toJobStateChangeEvent(this.scope, detail))
    this.startDelivery()
  }

  private startDelivery(): void {
    if (this.pumping !== undefined || this.stopped) {
      return
    }
    this.pumping = this.deliverQueued().finally(() => {
      this.pumping = undefined
      // An event queued between the loop's last check and this callback still needs a loop.
      if (this.queue.length > 0) {
        this.startDelivery()
      }
    })
  }

  private async deliverQueued(): Promise<void> {
    let failures = 0
    for (let event = this.queue[0]; event !== undefined && !this.stopped; event = this.queue[0]) {
      try {
        await this.invoke(event)
        this.queue.shift()
        failures = 0
      } catch (error) {
        failures += 1
        const retryInMs = Math.min(
          this.retryBaseDelayMs * 2 ** (failures - 1),
          this.retryMaxDelayMs,
        )
        this.logger.warn(
          {
            err: error,
            jobId: event.detail.jobId,
            status: event.detail.status,
            failures,
            retryInMs,
          },
          'event delivery failed, retrying',
        )
        await this.wait(retryInMs)
      }
    }
  }

  private async invoke(event: JobStateChangeEvent): Promise<void> {
    const response = await this.client.send(
      new InvokeCommand({
        FunctionName: this.options.functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    )
    if (response.FunctionError !== undefined) {
      const payload = response.Payload === undefined ? '' : Buffer.from(response.Payload).toString()
      throw new Error(
        `Function ${this.options.functionName} returned ${response.FunctionError} error: ${payload.slice(0, 500)}`,
      )
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.cancelWait = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}
