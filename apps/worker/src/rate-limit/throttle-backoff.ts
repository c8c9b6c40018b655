import { sleep } from '../util/sleep.js'

/** First and largest pause after Batch throttles SubmitJob, in milliseconds. */
const BASE_DELAY_MS = 250
const MAX_DELAY_MS = 20_000

/**
 * Exponential backoff with full jitter after TooManyRequestsException, shared by the
 * submissions of one replica. Every throttled response doubles the ceiling of the next pause,
 * and a submission that goes through resets it. The random pause keeps replicas that were
 * throttled together from retrying together.
 */
export class ThrottleBackoff {
  #failures = 0
  #pauseUntil = 0
  readonly #random: () => number

  constructor(random: () => number = Math.random) {
    this.#random = random
  }

  /** Records a throttled call and returns the pause it set, in milliseconds. */
  throttled(): number {
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.#failures)
    this.#failures++
    const delay = Math.round(this.#random() * ceiling)
    this.#pauseUntil = Math.max(this.#pauseUntil, Date.now() + delay)
    return delay
  }

  succeeded(): void {
    this.#failures = 0
  }

  /** Waits out the current pause, if any. */
  async wait(signal?: AbortSignal): Promise<void> {
    const remaining = this.#pauseUntil - Date.now()
    if (remaining > 0) {
      await sleep(remaining, signal)
    }
  }
}
