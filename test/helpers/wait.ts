// Polling with a deadline: tests wait for a condition, never for a fixed time.
export async function waitFor<T> (check: () => T | undefined | false | Promise<T | undefined | false>, options: { timeout?: number, interval?: number, what?: string | (() => string) } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 15_000)
  let last: unknown
  for (;;) {
    try {
      const v = await check()
      if (v !== undefined && v !== false) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${(typeof options.what === 'function' ? options.what() : options.what) ?? 'condition'}${last instanceof Error ? ` (last error: ${last.message})` : ''}`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.interval ?? 50))
  }
}
