// Small waiting helpers shared by the simulator's coordinator modules.
import { performance } from 'node:perf_hooks'

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Poll `check` every `interval` ms until it is true (true) or `timeoutMs` passed (false). */
export async function until (check: () => boolean | Promise<boolean>, timeoutMs: number, interval = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (performance.now() > deadline) return false
    await sleep(interval)
  }
}
