// The client's ack coalescing (client/messaging/ack-batcher.ts): ids persisted
// close together leave in one ACK, a full request leaves at once, duplicates
// are named once, flush() sends what waits, and a failed send is not retried
// (the envelopes are acknowledged again when they show up again).
import { strict as assert } from 'node:assert'
import pino from 'pino'
import { AckBatcher } from '../../../client/messaging/ack-batcher.js'
import { waitFor } from '../../helpers/wait.js'

const id = (n: number): Uint8Array => { const b = new Uint8Array(16); b[15] = n; return b }
const names = (batch: Uint8Array[]): number[] => batch.map((b) => b[15] as number)

describe('ack batcher', () => {
  const log = pino({ level: 'silent' })

  it('sends ids added within the delay in one request, each id once', async () => {
    const sent: number[][] = []
    const b = new AckBatcher({ delayMs: 50, maxIds: 100, log, send: async (ids) => { sent.push(names(ids)) } })
    b.add([id(1)])
    b.add([id(2), id(1)])
    b.add([id(3)])
    assert.deepEqual(sent, [], 'nothing before the delay')
    await waitFor(() => sent.length > 0, { what: 'the delayed ack' })
    assert.deepEqual(sent, [[1, 2, 3]])
    assert.equal(b.size, 0)
  })

  it('sends a full request at once, and flush() sends the rest', async () => {
    const sent: number[][] = []
    const b = new AckBatcher({ delayMs: 60_000, maxIds: 2, log, send: async (ids) => { sent.push(names(ids)) } })
    b.add([id(1), id(2), id(3)])
    await b.flush()
    b.add([id(4)])
    assert.equal(b.size, 1)
    await b.flush()
    assert.deepEqual(sent, [[1, 2], [3], [4]])
  })

  it('a failed send is dropped, later ids still go', async () => {
    const sent: number[][] = []
    let fail = true
    const b = new AckBatcher({ delayMs: 0, maxIds: 10, log, send: async (ids) => { if (fail) throw new Error('detached'); sent.push(names(ids)) } })
    b.add([id(1)])
    await b.flush()
    fail = false
    b.add([id(2)])
    await b.flush()
    assert.deepEqual(sent, [[2]])
  })
})
