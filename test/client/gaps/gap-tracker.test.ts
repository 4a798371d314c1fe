// Gap detection (client/gaps/gap-tracker.ts) against a real sealed store:
// property-style over seeded random orders and batch splits, every sequence
// number of a sender arriving in any order within the grace is never reported
// (no false "missing" notice), and one number that never arrives is reported
// exactly once, as one missing message. Contents go through the real handler
// table (ContentHandlers.observe) as the receive path hands them over.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import pino from 'pino'
import { initIdentity } from '../../../client/client.js'
import { ContentHandlers, type BatchState, type ProcessResult } from '../../../client/messaging/content-handlers.js'
import { ContentKind, newMessageId } from '../../../client/messaging/content.js'
import type { MessagingContext } from '../../../client/messaging/context.js'
import { MessageLog, type StoredMessage } from '../../../client/messaging/message-log.js'
import { GapTracker } from '../../../client/gaps/gap-tracker.js'
import { Sequences } from '../../../client/gaps/sequences.js'
import { SealedStore } from '../../../client/store/sealed-store.js'
import { Serial } from '../../../client/util/serial.js'
import { removeDir, tempDir } from '../../helpers/mesh.js'

const GRACE = 1_000
const PEER = 'rm1peerpeerpeerpeerpeerpeerpeerpeer'

/** a seeded PRNG (mulberry32), so a failing case can be replayed */
function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T> (xs: T[], r: () => number): T[] {
  const a = [...xs]
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [a[i], a[j]] = [a[j] as T, a[i] as T] }
  return a
}

describe('gap detection: no false reports under reordering, one report per loss', function () {
  this.timeout(60_000)
  let dir: string
  let store: SealedStore

  before(async () => {
    dir = tempDir('relaymesh-gaps-')
    await initIdentity(join(dir, 'me'), 'pw')
    store = await SealedStore.open(join(dir, 'me'), 'pw')
  })

  after(async () => {
    await store.close()
    removeDir(dir)
  })

  /** deliver `seqs` of one sender device in `batches` (one persisted batch each), then run the check past the grace; the notices */
  async function run (caseId: number, batches: number[][]): Promise<StoredMessage[]> {
    let now = 1_000_000
    const messages = await MessageLog.open(store)
    const ctx = { store, messages, identity: { userId: 'rm1me', deviceId: 1 }, log: pino({ level: 'silent' }), now: () => now, groups: { get: async () => undefined } } as unknown as MessagingContext
    const serial = new Serial()
    const notices: StoredMessage[] = []
    const tracker = new GapTracker({
      ctx,
      serial,
      ids: undefined as never,
      ready: async () => { throw new Error('offline in this test') },
      user: async () => { throw new Error('offline in this test') },
      persist: async (ops) => { await store.batch(ops) },
      sequences: new Sequences(ctx),
      sendGroup: async () => {},
      notify: (stored) => { notices.push(...stored.map((s) => s.message)) },
      graceMs: GRACE
    })
    tracker.stop() // no timers: this test runs the check itself
    const handlers = new ContentHandlers()
    tracker.register(handlers)
    handlers.register(ContentKind.TEXT, async () => {})
    const from = `${PEER}${caseId}`
    for (const batch of batches) {
      const result: ProcessResult = { stored: [], ack: [], resets: [], distribute: [] }
      const b: BatchState = { now, ops: [], msgSeen: new Set(), result }
      for (const seq of batch) {
        const content = { messageId: newMessageId(), sentAt: now, kind: ContentKind.TEXT, text: '', seq }
        assert.ok(await handlers.handle({ ctx, from, deviceId: 1, content, plaintext: new Uint8Array(0), b }))
      }
      await store.batch(b.ops)
      now += Math.floor(GRACE / (batches.length + 1))
    }
    now += GRACE + 1
    await tracker.check()
    return notices.filter((m) => m.from === from)
  }

  function split (seqs: number[], r: () => number): number[][] {
    const out: number[][] = []
    let i = 0
    while (i < seqs.length) { const n = 1 + Math.floor(r() * 6); out.push(seqs.slice(i, i + n)); i += n }
    return out
  }

  it('every number arriving, in any order and any batches, is never reported (40 seeded cases)', async () => {
    for (let c = 0; c < 40; c++) {
      const r = rng(1000 + c)
      const n = 3 + Math.floor(r() * 30)
      const seqs = [1, ...shuffle(Array.from({ length: n - 1 }, (_, i) => i + 2), r)]
      const notices = await run(c, split(seqs, r))
      assert.deepEqual(notices.map((m) => m.text), [], `case ${c}: ${JSON.stringify(seqs)}`)
    }
  })

  it('one number that never arrives is reported once, as one missing message (20 seeded cases)', async () => {
    for (let c = 0; c < 20; c++) {
      const r = rng(5000 + c)
      const n = 4 + Math.floor(r() * 30)
      const lost = 2 + Math.floor(r() * (n - 2)) // neither the baseline (1) nor the last
      const seqs = [1, ...shuffle(Array.from({ length: n - 1 }, (_, i) => i + 2).filter((s) => s !== lost), r)]
      const notices = await run(100 + c, split(seqs, r))
      assert.equal(notices.length, 1, `case ${c}: lost ${lost} of ${JSON.stringify(seqs)}`)
      assert.match(notices[0]!.text, /^1 message missing from /)
      assert.equal(notices[0]!.system, true)
    }
  })
})
