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

/** The run passed its wall-clock deadline (SimOptions.deadline). */
export class DeadlineError extends Error {}

/** `ms`, cut to what is left before `deadline` (Date.now() ms; none: no cut). */
export function within (ms: number, deadline: number | undefined): number {
  return deadline === undefined ? ms : Math.max(0, Math.min(ms, deadline - Date.now()))
}

/** Throw DeadlineError if `deadline` has passed. */
export function checkDeadline (deadline: number | undefined, what: string): void {
  if (deadline !== undefined && Date.now() >= deadline) throw new DeadlineError(`time bound reached during ${what}`)
}
