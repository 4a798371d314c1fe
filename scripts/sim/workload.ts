// The seeded workload: who sends what to whom and when (1:1 messages with a
// few popular recipients, group messages, files), the warm-up, and the
// ledger entries every send makes. Each send's outcome is stamped by the
// worker that made it.
import type { SimClient, SendOutcome } from './clients.js'
import type { SimContext } from './context.js'
import type { Sent } from './ledger.js'
import { ChildGone } from './workers.js'
import { sleep, until } from './wait.js'

/** sends a client may have unanswered at once before the workload picks another sender */
const MAX_IN_FLIGHT = 4

export class Workload {
  /** sends not answered yet */
  readonly sends = new Set<Promise<void>>()
  /** sends skipped because every online sender was busy */
  throttled = 0
  private readonly hot: SimClient[]
  /** with --contacts, each client writes 1:1 only to its own few contacts (one of them from the hot set), as people do */
  private readonly contactsOf = new Map<SimClient, SimClient[]>()

  constructor (private readonly ctx: SimContext) {
    const { people, rng, options } = ctx
    this.hot = rng.sample(people.clients, Math.max(1, Math.floor(people.clients.length / 10)))
    if ((options.contacts ?? 0) > 0) {
      for (const c of people.clients) {
        const others = people.clients.filter((o) => o !== c)
        const hot = this.hot.filter((h) => h !== c)
        const popular = rng.pick(hot.length > 0 ? hot : others)
        this.contactsOf.set(c, [popular, ...rng.sample(others.filter((o) => o !== popular), (options.contacts ?? 0) - 1)])
      }
    }
  }

  private epochs (recipients: number[]): Map<number, number | undefined> {
    return new Map(recipients.map((r) => { const c = this.ctx.people.clients[r] as SimClient; return [r, c.online ? c.epoch : undefined] }))
  }

  /** Record a send's outcome, stamped by the worker that made it (a crashed sender's send stays unanswered). */
  private track (s: Sent, from: SimClient, p: Promise<SendOutcome>): void {
    const { clock, toClock } = this.ctx
    from.inFlight++
    const done = p.then((r) => {
      s.sentAt = toClock(r.sentAt)
      if ('storedAt' in r) s.storedAt = toClock(r.storedAt); else { s.failedAt = toClock(r.failedAt); s.error = r.error }
    }, (err: Error) => {
      if (err instanceof ChildGone) { s.unanswered = true; return }
      s.failedAt = clock(); s.error = err.message
    }).finally(() => { from.inFlight = Math.max(0, from.inFlight - 1); this.sends.delete(done) })
    this.sends.add(done)
  }

  /** One message: from a random online sender (or `chosen`), 1:1 to a random recipient (or `target`) or, now and then, to a group. */
  sendOne (chosen?: SimClient, target?: SimClient): void {
    const { people, rng, ledger, clock, options, groups } = this.ctx
    const senders = chosen === undefined ? people.online.filter((c) => c.inFlight < MAX_IN_FLIGHT) : []
    if (chosen === undefined && senders.length === 0) { this.throttled++; return }
    const from = chosen ?? rng.pick(senders)
    const myGroups = groups.filter((g) => g.members.includes(from.index))
    const group = target === undefined && myGroups.length > 0 && rng.next() < 0.2 ? rng.pick(myGroups) : undefined
    if (group !== undefined) {
      const recipients = group.members.filter((m) => m !== from.index)
      const s = ledger.add('group', from.index, recipients, clock(), this.epochs(recipients))
      this.track(s, from, from.worker.call('sendGroup', { index: from.index, groupId: group.groupId, text: ledger.text(s.seq, options.pad ?? 64) }))
    } else {
      // a skewed workload: a few popular recipients get a third of the 1:1 messages (busy mailboxes)
      const contacts = this.contactsOf.get(from)
      const pool = rng.next() < 0.33 ? this.hot.filter((c) => c !== from && (contacts === undefined || contacts.includes(c))) : []
      const to = target ?? rng.pick(pool.length > 0 ? pool : contacts ?? people.clients.filter((c) => c !== from))
      const s = ledger.add('direct', from.index, [to.index], clock(), this.epochs([to.index]))
      this.track(s, from, from.worker.call('send', { index: from.index, to: to.userId, text: ledger.text(s.seq, options.pad ?? 64) }))
    }
  }

  sendFile (): void {
    const { people, rng, ledger, clock, options } = this.ctx
    const senders = people.online.filter((c) => c.inFlight < MAX_IN_FLIGHT)
    if (senders.length === 0) { this.throttled++; return }
    const from = rng.pick(senders)
    const to = rng.pick(people.clients.filter((c) => c !== from))
    const s = ledger.add('file', from.index, [to.index], clock(), this.epochs([to.index]))
    this.track(s, from, from.worker.call('sendFile', { index: from.index, to: to.userId, seq: s.seq, size: options.fileSize ?? 256 * 1024 }))
  }

  /**
   * Every client writes once to each of its contacts (or to everyone), so the workload runs on
   * established sessions; these messages are checked like any other but left out of the latency figures.
   */
  async warmup (setup: Record<string, number>): Promise<void> {
    const { people, ledger, clock, log } = this.ctx
    const t = clock()
    const first = ledger.sent.length
    for (const c of people.clients) {
      for (const to of this.contactsOf.get(c) ?? people.clients.filter((o) => o !== c)) {
        this.sendOne(c, to)
        const s = ledger.sent[ledger.sent.length - 1] as Sent
        s.warmup = true
        if (c.inFlight >= MAX_IN_FLIGHT) await until(() => c.inFlight < MAX_IN_FLIGHT, 30_000, 20)
      }
    }
    await until(() => this.sends.size === 0 && ledger.pendingStored().length === 0, 60_000, 100)
    setup.warmupMs = clock() - t
    log(`warm-up: ${ledger.sent.length - first} messages sent and delivered in ${(setup.warmupMs / 1000).toFixed(1)} s`)
  }

  /** Offer options.rate messages per second (and options.files files spread evenly) from `start` until `endAt` (sim clock). */
  async run (start: number, endAt: number): Promise<void> {
    const { options, clock } = this.ctx
    const interval = 1000 / options.rate
    const files = options.files ?? 0
    const fileEvery = (endAt - start) / Math.max(1, files)
    let due = start
    let fileDue = start + fileEvery / 2
    let filesSent = 0
    while (clock() < endAt) {
      while (due <= clock() && due < endAt) { this.sendOne(); due += interval }
      while (filesSent < files && fileDue <= clock()) { this.sendFile(); filesSent++; fileDue += fileEvery }
      await sleep(Math.max(1, Math.min(50, due - clock())))
    }
  }
}
