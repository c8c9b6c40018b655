/**
 * Calls `task` for every item of `items`, with at most `limit` calls in flight, and returns
 * once all have settled. Tasks handle their own errors; one that throws anyway is reported to
 * `onError` and does not stop the others.
 */
export async function forEachConcurrently<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
  onError: (err: unknown, item: T) => void,
): Promise<void> {
  const inFlight = new Set<Promise<void>>()

  for await (const item of items) {
    if (inFlight.size >= limit) {
      await Promise.race(inFlight)
    }
    const call: Promise<void> = task(item)
      .catch((err: unknown) => onError(err, item))
      .finally(() => inFlight.delete(call))
    inFlight.add(call)
  }

  await Promise.all(inFlight)
}
