// The client checks that the attach challenge names the node it dialled
// (issue 9, point 5). A hostile node (a real libp2p host over TCP serving
// /relaymesh/attach/1.0.0) sends a challenge naming another node, e.g. one
// it relays for: the client must refuse before signing anything, so it never
// hands out an attach signature or presence records naming another node.
import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { Libp2p } from '@libp2p/interface'
import { createDeviceCredentials } from '../../client/device.js'
import { createClientHost } from '../../client/transport/client-host.js'
import { NodeConnection } from '../../client/transport/node-connection.js'
import { createHost, type RelayHost } from '../../node/host.js'
import { ATTACH_PROTOCOL } from '../../protocol/client-protocol.js'
import { decode, encode } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { AttachChallenge, AttachEvent, AttachRequest, Status } from '../../protocol/pb/client-api.js'
import { LOOPBACK_ALLOW } from '../helpers/mesh.js'

describe('attach challenge names the dialled node', function () {
  this.timeout(30_000)
  let hostile: RelayHost
  let client: Libp2p
  /** attach requests (signed) the hostile node received */
  const signed: AttachRequest[] = []
  let nameInChallenge: Uint8Array

  before(async () => {
    hostile = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, allowIps: LOOPBACK_ALLOW })
    await hostile.handle(ATTACH_PROTOCOL, (stream) => {
      void (async () => {
        const lp = lpStream(stream, { maxDataLength: 1024 * 1024 })
        try {
          await lp.write(encode(AttachChallenge, { version: WIRE_VERSION, nonce: randomBytes(32), nodeId: nameInChallenge }))
          signed.push(decode(AttachRequest, (await lp.read()).subarray(), 1024 * 1024, 'AttachRequest'))
          // and it plays along, as the real node would
          await lp.write(encode(AttachEvent, { version: WIRE_VERSION, status: Status.OK }))
        } catch {
          stream.abort(new Error('client went away'))
        }
      })()
    })
    client = await createClientHost()
  })

  after(async () => {
    await Promise.resolve(client.stop()).catch(() => {})
    await Promise.resolve(hostile.stop()).catch(() => {})
  })

  function address (): string {
    const a = hostile.getMultiaddrs().find((m) => m.toString().includes('/127.0.0.1/tcp/'))
    assert.ok(a !== undefined)
    return a.toString()
  }

  it('refuses a challenge naming another node and signs nothing', async () => {
    nameInChallenge = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toMultihash().bytes
    const conn = await NodeConnection.connect(client, address())
    await assert.rejects(conn.attach(createDeviceCredentials(), { onEnvelope: () => {} }), (err: unknown) => {
      assert.ok(RelaymeshError.is(err, ErrorCode.Unauthorized), String(err))
      assert.match((err as Error).message, /names node .* not the node dialled/)
      return true
    })
    assert.equal(signed.length, 0, 'no attach signature reached the hostile node')
  })

  it('attaches when the challenge names the node dialled (the check is not a blanket refusal)', async () => {
    nameInChallenge = hostile.peerId.toMultihash().bytes
    const conn = await NodeConnection.connect(client, address())
    await conn.attach(createDeviceCredentials(), { onEnvelope: () => {} })
    assert.equal(signed.length, 1)
    await conn.detach()
  })
})
