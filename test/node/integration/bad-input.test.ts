// Hostile bytes on every protocol a node serves: random bytes, truncated
// frames, oversized frames and wrong versions each get an error answer or a
// closed stream, promptly, change no stored state, and the node keeps serving.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import type { Libp2p, Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials } from '../../../client/device.js'
import { ATTACH_PROTOCOL, CLIENT_PROTOCOL, CLIENT_PROTOCOL_PIPELINED } from '../../../protocol/client-protocol.js'
import { REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED } from '../../../node/mailbox/constants.js'
import { SYNC_PROTOCOL } from '../../../node/gossip/constants.js'
import { NODES_PROTOCOL } from '../../../node/relays/constants.js'
import { PREKEY_PROTOCOL } from '../../../node/prekeys/prekey-service.js'
import { PREFIX } from '../../../node/store/keys.js'
import { DHT_PROTOCOL } from '../../../node/relays/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { stampedSend } from '../../helpers/sealed-send.js'

const PROTOCOLS = [ATTACH_PROTOCOL, CLIENT_PROTOCOL, CLIENT_PROTOCOL_PIPELINED, REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED, SYNC_PROTOCOL, NODES_PROTOCOL, PREKEY_PROTOCOL, DHT_PROTOCOL]

function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
  return Uint8Array.from(out)
}

const frame = (body: Uint8Array): Uint8Array => Buffer.concat([varint(body.byteLength), body])

const INPUTS: Record<string, Uint8Array> = {
  'random bytes': randomBytes(300),
  'truncated frame': Buffer.concat([varint(500), randomBytes(20)]),
  'oversized frame': Buffer.concat([varint(64 * 1024 * 1024), randomBytes(1000)]),
  'wrong protocol version': frame(Uint8Array.from([0x08, 99, 0x10, 1])),
  'a huge length prefix': Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
}

/** Write `bytes`, half-close, and read until the node answers or closes; never more than `ms`. */
async function poke (stream: Stream, bytes: Uint8Array, ms: number): Promise<'closed' | 'answered'> {
  // start reading before closing: iterating a stream that has already closed never ends (libp2p 3)
  let answered = false
  const read = (async () => {
    try {
      for await (const chunk of stream) if (chunk.byteLength > 0) answered = true
    } catch {
      // a reset is an acceptable way for the node to refuse
    }
  })()
  stream.send(bytes)
  void stream.close().catch(() => {})
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout') }, ms) })
  const outcome = await Promise.race([read.then(() => 'done' as const), timedOut])
  clearTimeout(timer)
  if (outcome === 'timeout') {
    stream.abort(new Error('test timeout'))
    throw new Error(`the node neither answered nor closed within ${ms} ms`)
  }
  return answered ? 'answered' : 'closed'
}

async function snapshot (node: RelayNode): Promise<string[]> {
  const out: string[] = []
  for await (const [k, v] of node.store.range({ gte: '', lt: '\xff' })) {
    if (k.startsWith(PREFIX.node) || k.startsWith(PREFIX.meta)) continue // the node's own bookkeeping
    out.push(`${k}=${Buffer.from(v).toString('hex')}`)
  }
  return out
}

describe('bad input on every node protocol', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let attacker: Libp2p
  let honest: Libp2p

  before(async () => {
    nodes = await startMesh(2)
    attacker = await createClientHost()
    honest = await createClientHost()
  })

  after(async () => {
    await attacker?.stop()
    await honest?.stop()
    await stopAll(nodes)
  })

  for (const protocol of PROTOCOLS) {
    for (const [name, bytes] of Object.entries(INPUTS)) {
      it(`${protocol}: ${name} gets an error or a close and changes nothing`, async () => {
        const node = nodes[0]!
        const before = await snapshot(node)
        const stream = await attacker.dialProtocol(multiaddr(addressOf(node)), protocol)
        const outcome = await poke(stream, bytes, 10_000)
        assert.ok(outcome === 'closed' || outcome === 'answered')
        assert.deepEqual(await snapshot(node), before)
      })
    }
  }

  it('keeps serving honest clients after all of that', async () => {
    const conn = await NodeConnection.connect(honest, addressOf(nodes[0]!))
    const alice = createDeviceCredentials()
    const bob = createDeviceCredentials()
    await conn.attach(alice, { onEnvelope: () => {} })
    const res = await stampedSend(conn, [bob.mailbox], randomBytes(16), randomBytes(64))
    assert.ok((res.sent[0]?.replicas ?? 0) >= 1)
    assert.equal((await conn.status()).peerId, nodes[0]!.peerId.toString())
  })
})
