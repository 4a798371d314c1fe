// One timeout signal shared by the requests that start close together.
// AbortSignal.timeout + AbortSignal.any per request cost a timer, two
// signals and their listener bookkeeping on every replica and client
// request (~2% of a loaded node's CPU). Requests started within
// `granularityMs` of each other share one signal, so each request gets
// between timeoutMs - granularityMs and timeoutMs.
export class SharedDeadline {
  private current: AbortSignal | undefined
  private createdAt = 0
  private readonly granularityMs: number

  /** `base` (shutdown, stream closed) aborts every signal handed out; granularity defaults to 1% of the timeout */
  constructor (private readonly timeoutMs: number, private readonly base: AbortSignal, granularityMs?: number) {
    this.granularityMs = granularityMs ?? Math.max(1, Math.floor(timeoutMs / 100))
  }

  /** a signal that fires within timeoutMs from now (not before timeoutMs - granularityMs), or when `base` does */
  signal (): AbortSignal {
    const now = performance.now()
    if (this.current === undefined || this.current.aborted || now - this.createdAt >= this.granularityMs) {
      this.current = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.base])
      this.createdAt = now
    }
    return this.current
  }
}
