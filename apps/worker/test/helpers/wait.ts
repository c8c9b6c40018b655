/**
 * Calls `probe` until it returns a value other than undefined, and returns that value. Fails
 * after `timeoutMs`, a generous bound that only a broken run reaches.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) {
      return value
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
