// Expiry is a backstop (DESIGN: keep until acknowledged; default 30 days):
// envelopes and tombstones past their expires_at are purged in batches,
// periodically, through the expiry index exp!<expires_at>!<mailbox>!<id>.
// fetch() already hides expired envelopes between purges.
import type { Logger } from 'pino'
import { EXPIRY_BATCH, EXPIRY_INTERVAL_MS } from './constants.js'
import type { EnvelopeStore } from './envelope-store.js'
import { jitter } from './handover.js'

export class ExpiryPurger {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<number> | undefined
  private stopped = false

  constructor (
    private readonly envelopes: EnvelopeStore,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly intervalMs = EXPIRY_INTERVAL_MS
  ) {}

  start (initialDelayMs: number): void {
    this.stopped = false
    this.schedule(initialDelayMs)
  }

  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (this.running !== undefined) await this.running.catch(() => 0)
  }

  /** Purge everything expired by now; resolves with the number of envelopes purged. */
  async purgeNow (): Promise<number> {
    if (this.running !== undefined) await this.running.catch(() => 0)
    this.running = this.purgeAll()
    try {
      return await this.running
    } finally {
      this.running = undefined
    }
  }

  private async purgeAll (): Promise<number> {
    let total = 0
    for (;;) {
      const { envelopes, entries } = await this.envelopes.purgeExpired(this.now(), EXPIRY_BATCH)
      total += envelopes
      if (entries < EXPIRY_BATCH || this.stopped) break
    }
    if (total > 0) this.log.info({ purged: total }, 'expired envelopes purged')
    return total
  }

  private schedule (delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.purgeNow().catch((err: Error) => { this.log.warn({ err: err.message }, 'expiry purge failed') })
        .finally(() => { this.schedule(jitter(this.intervalMs)) })
    }, delayMs)
    this.timer.unref()
  }
}
