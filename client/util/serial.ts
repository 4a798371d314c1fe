// One-at-a-time execution: every operation that reads and writes session
// state (send, the processing of received envelopes) runs under one lock, so
// a ratchet is never advanced by two callers at once.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve()

  async run<T> (fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn)
    this.tail = result.catch(() => {})
    return await result
  }
}
