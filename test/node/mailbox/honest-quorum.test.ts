// Honest quorum on a mesh smaller than k (k = 3, quorum 2): two relay nodes
// store on both and say so; with one of them stopped, a send is refused with
// the reason ("1 relay reachable, 2 needed"), never "stored" with one copy,
// whatever the remaining node's directory still believes.
import { strict as assert } from 'node:assert'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { startMesh, stopAll } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { envelope, heldIds, hex, rand, waitForEachOther } from './helpers.js'

describe('honest quorum (two relay nodes, k = 3, quorum 2)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []

  before(async () => {
    nodes = await startMesh(2)
    await waitForEachOther(nodes)
  })

  after(async () => { await stopAll(nodes) })

  it('stores on both nodes and names both', async () => {
    const [a, b] = nodes as [RelayNode, RelayNode]
    assert.equal(a.config.replicas, 3)
    assert.equal(a.config.writeQuorum, 2)
    const mailbox = rand(32)
    const env = envelope(mailbox)
    const res = await a.mailbox.store(env)
    assert.deepEqual([...res.replicas].sort(), [a.peerId.toString(), b.peerId.toString()].sort(), 'stored on 2: every relay the mesh has')
    for (const n of nodes) assert.deepEqual(await heldIds(n, mailbox), [hex(env.id)])
  })

  it('with one node stopped, refuses with "1 relay reachable, 2 needed" at once and after the directory noticed', async () => {
    const [a, b] = nodes as [RelayNode, RelayNode]
    await b.stop()
    const refused = (err: unknown): boolean => {
      assert.ok(RelaymeshError.is(err, ErrorCode.Unavailable), String(err))
      assert.match(err.message, /1 relay reachable, 2 needed/)
      return true
    }
    // right away (the directory may still list the stopped node) ...
    const first = rand(32)
    await assert.rejects(a.mailbox.store(envelope(first)), refused)
    // ... and once it has dropped it (alone now: a node never lowers the quorum on its own)
    await waitFor(() => a.relays.peers().length === 0, { what: 'the stopped node dropped from the directory' })
    const second = rand(32)
    await assert.rejects(a.mailbox.store(envelope(second)), refused)
    // the one copy written in the attempt stays on disk (handover sends it on when a relay is back),
    // but it was never answered "stored"
    assert.ok((await heldIds(a, second)).length <= 1)
  })
})
