// Acknowledgements, coalesced. Every ACK the node receives costs it a
// signature check and a synced write on each replica of the mailbox, whether
// it names one id or hundreds; pushes arrive one envelope at a time, so the
// client gathers the ids of what it persisted for `delayMs` and sends them in
// one signed ACK. Acking late is safe: the envelopes are persisted here
// already, and one that shows up again meanwhile (a fetch) is recognised by
// its id and acknowledged again.
import type { Logger } from 'pino'
import { hex } from '../util/bytes.js'

export interface AckBatcherInit {
  /** send one signed ACK for these ids (at most maxIds); rejects when not sent */
  send: (ids: Uint8Array[]) => Promise<void>
  /** how long ids wait for others; 0 sends each batch at once */
  delayMs: number
  /** ids per ACK request */
  maxIds: number
  log: Logger
}

export class AckBatcher {
  private pending = new Map<string, Uint8Array>()
  private timer: NodeJS.Timeout | undefined
  private sending: Promise<void> = Promise.resolve()

  constructor (private readonly init: AckBatcherInit) {}

  /** ids persisted by the caller: acknowledged within delayMs (at once when a full request is waiting) */
  add (ids: Uint8Array[]): void {
    for (const id of ids) this.pending.set(hex(id), id)
    if (this.pending.size === 0) return
    if (this.init.delayMs <= 0 || this.pending.size >= this.init.maxIds) {
      void this.flush()
      return
    }
    this.timer ??= setTimeout(() => { void this.flush() }, this.init.delayMs)
  }

  /** ids waiting to be sent */
  get size (): number { return this.pending.size }

  /** send everything waiting now; resolves once sent (failures are logged: the ids are acknowledged when they show up again) */
  async flush (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const ids = [...this.pending.values()]
    this.pending = new Map()
    // one request at a time, in order
    const run = this.sending.then(async () => {
      for (let i = 0; i < ids.length; i += this.init.maxIds) {
        await this.init.send(ids.slice(i, i + this.init.maxIds)).catch((err: Error) => {
          this.init.log.debug({ err: err.message, ids: Math.min(this.init.maxIds, ids.length - i) }, 'ack failed; will repeat when the envelopes show up again')
        })
      }
    })
    this.sending = run
    await run
  }
}
