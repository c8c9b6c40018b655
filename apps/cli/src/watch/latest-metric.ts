import type { ApiClient } from '../api/api-client.js'
import type { MetricPoint, Page } from '../api/types.js'
import { ApiResponseError } from '../errors.js'

/** Points read per request; the API allows at most 100. */
const PAGE_SIZE = 100

/** Pages read per poll, so a long backlog is read over several polls rather than at once. */
const MAX_PAGES_PER_POLL = 20

/**
 * Follows the latest point of one metric of a run through GET /v1/runs/:id/metrics, which
 * lists a series in step order. It remembers the cursor of the last page it read and reads
 * from there on each poll, so a long series is not read again every time.
 *
 * Without a metric name it follows the first name the run reports, in the API's name order.
 * An API without the metrics route (404 API_ERR_ROUTE_NOT_FOUND) turns the tracker off.
 */
export class LatestMetric {
  readonly #api: ApiClient
  readonly #path: string
  readonly #warn: (message: string) => void
  #name: string | undefined
  #resumeCursor: string | undefined
  #latest: MetricPoint | undefined
  #enabled = true
  #warned = false

  constructor(
    api: ApiClient,
    runId: string,
    name: string | undefined,
    warn: (message: string) => void,
  ) {
    this.#api = api
    this.#path = `/v1/runs/${encodeURIComponent(runId)}/metrics`
    this.#name = name
    this.#warn = warn
  }

  /**
   * Reads the points reported since the last poll.
   *
   * @returns the new latest point, or undefined when there is none newer than the last one
   */
  async poll(): Promise<MetricPoint | undefined> {
    if (!this.#enabled) {
      return undefined
    }

    try {
      return await this.#readNewPoints()
    } catch (err) {
      if (err instanceof ApiResponseError && err.code === 'API_ERR_ROUTE_NOT_FOUND') {
        this.#enabled = false
        return undefined
      }
      if (!this.#warned) {
        this.#warned = true
        this.#warn(`reading metrics failed, so only the status is shown: ${(err as Error).message}`)
      }
      return undefined
    }
  }

  async #readNewPoints(): Promise<MetricPoint | undefined> {
    if (this.#name === undefined) {
      const first = await this.#api.get<Page<MetricPoint>>(this.#path, { limit: 1 })
      this.#name = first.items[0]?.name
      if (this.#name === undefined) {
        return undefined
      }
    }

    const before = this.#latest
    for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
      const result = await this.#api.get<Page<MetricPoint>>(this.#path, {
        name: this.#name,
        limit: PAGE_SIZE,
        cursor: this.#resumeCursor,
      })
      const last = result.items.at(-1)
      if (last !== undefined) {
        this.#latest = last
      }
      if (result.nextCursor === undefined) {
        break
      }
      this.#resumeCursor = result.nextCursor
    }

    const latest = this.#latest
    const advanced = latest !== undefined && (before === undefined || latest.step !== before.step)
    return advanced ? latest : undefined
  }
}
