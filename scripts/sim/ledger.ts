// Every message the workload sends and every copy the applications receive,
// on the simulation clock (ms since the run started). The report is computed
// from here only.
export interface Sent {
  seq: number
  kind: 'direct' | 'group' | 'file'
  from: number
  /** client indices expected to receive it */
  recipients: number[]
  sentAt: number
  /** when send() resolved: the mesh answered "stored" for every recipient device (files: every chunk and the manifest) */
  storedAt?: number
  failedAt?: number
  error?: string
  /** the sender crashed before the mesh answered: neither stored nor failed */
  unanswered?: boolean
  /** sent in the warm-up before the workload: checked, but not in the latency figures */
  warmup?: boolean
  /** recipient -> the online epoch it was in when the message was sent (undefined: offline) */
  epochAtSend: Map<number, number | undefined>
  /** recipient -> times the application received it */
  deliveries: Map<number, number[]>
  /** recipient -> true when delivered in the same online epoch it was sent in */
  live: Map<number, boolean>
}

export const TEXT_PREFIX = 'sim '

export class Ledger {
  readonly sent: Sent[] = []
  /** application messages that do not belong to the workload (should stay 0) */
  foreign = 0

  text (seq: number, pad: number): string {
    return `${TEXT_PREFIX}${seq} ${'·'.repeat(pad)}`
  }

  add (kind: Sent['kind'], from: number, recipients: number[], sentAt: number, epochs: Map<number, number | undefined>): Sent {
    const s: Sent = { seq: this.sent.length, kind, from, recipients, sentAt, epochAtSend: epochs, deliveries: new Map(), live: new Map() }
    this.sent.push(s)
    return s
  }

  /** The application of client `to` (in online epoch `epoch`) received `text` at `at`. */
  deliver (to: number, text: string, at: number, epoch: number): Sent | undefined {
    const m = /^sim (\d+) /.exec(text)
    const s = m === null ? undefined : this.sent[Number(m[1])]
    if (s === undefined || !s.recipients.includes(to)) { this.foreign++; return undefined }
    const times = s.deliveries.get(to) ?? []
    times.push(at)
    s.deliveries.set(to, times)
    if (times.length === 1) s.live.set(to, s.epochAtSend.get(to) === epoch)
    return s
  }

  /** (message, recipient) pairs still waiting for a first delivery, of messages answered "stored" */
  pendingStored (): Array<{ s: Sent, to: number }> {
    const out: Array<{ s: Sent, to: number }> = []
    for (const s of this.sent) {
      if (s.storedAt === undefined) continue
      for (const to of s.recipients) if (!s.deliveries.has(to)) out.push({ s, to })
    }
    return out
  }
}
