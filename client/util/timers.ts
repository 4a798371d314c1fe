// Timers that do not keep a Node process alive. In a browser setTimeout
// returns a number with no unref(): the same call is then a no-op.

/** `timer.unref()` where the platform has it. */
export function unrefTimer (timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.()
}
