// The client never trusts the node with channel posts: a hostile node (a stock
// libp2p host answering /relaymesh/client/1.0.0 over TCP) hands out one
// genuine post among forged, altered, off-channel, too old, future and
// terminal-steering ones; readChannel and newChannelPosts hand out the genuine
// one only.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { initIdentity, openClient, type Client } from '../../client/client.js'
import { CLIENT_PROTOCOL } from '../../protocol/client-protocol.js'
import { decode, encode } from '../../protocol/codec.js'
import { CHANNEL_MAX_FUTURE_MS, CHANNEL_RETENTION_MS, WIRE_VERSION } from '../../protocol/constants.js'
import { ed25519GenerateKeyPair } from '../../protocol/crypto/primitives.js'
import { userIdFromIdentityKey } from '../../protocol/identity.js'
import { ChannelPost } from '../../protocol/pb/channel.js'
import { ClientRequest, ClientResponse, RequestType, Status } from '../../protocol/pb/client-api.js'
import { createHost, type RelayHost } from '../../node/host.js'
import { frames, readFrame, writeFrame } from '../../node/client-api/frames.js'
import { LOOPBACK_ALLOW, removeDir, tempDir } from '../helpers/mesh.js'
import { forged, rawPost } from '../helpers/channel.js'

const PASS = 'pass phrase'

describe('channel posts from a hostile node are checked by the client', function () {
  this.timeout(30_000)
  let hostile: RelayHost
  let dir: string
  let client: Client
  const author = ed25519GenerateKeyPair()
  const now = Date.now()
  const genuine = rawPost(author, { text: 'genuine', sentAt: now - 1000 })
  const altered = ChannelPost.decode(rawPost(author, { text: 'original', sentAt: now - 900 }))
  const handedOut = [
    forged(rawPost(author, { text: 'forged', sentAt: now - 2000 })),
    encode(ChannelPost, { ...altered, text: 'altered' }),
    rawPost(author, { channel: 'other', text: 'off channel', sentAt: now - 800 }),
    rawPost(author, { text: 'too old', sentAt: now - CHANNEL_RETENTION_MS - 60_000 }),
    rawPost(author, { text: 'from the future', sentAt: now + CHANNEL_MAX_FUTURE_MS + 60_000 }),
    rawPost(author, { text: 'clear \u001b[2J screen', sentAt: now - 700 }),
    genuine,
    genuine // twice
  ]
  let asked: ClientRequest[] = []

  before(async () => {
    hostile = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, allowIps: LOOPBACK_ALLOW })
    await hostile.start()
    // it speaks the one-request-per-stream client protocol only, and answers every CHANNEL_READ with its list
    await hostile.handle(CLIENT_PROTOCOL, (stream) => {
      void (async () => {
        const fs = frames(stream, 1024 * 1024)
        const signal = AbortSignal.timeout(5000)
        const req = decode(ClientRequest, await readFrame(fs, signal), 1024 * 1024, 'ClientRequest')
        asked.push(req)
        const res = req.type === RequestType.CHANNEL_READ
          ? { version: WIRE_VERSION, status: Status.OK, channelPosts: handedOut }
          : { version: WIRE_VERSION, status: Status.ERROR, errorCode: 'ERR_INVALID', errorMessage: 'no' }
        await writeFrame(fs, encode(ClientResponse, res), signal)
        await stream.close()
      })().catch((err: Error) => { stream.abort(err) })
    })
    dir = tempDir('relaymesh-channel-client-')
    await initIdentity(join(dir, 'reader'), PASS)
    const address = hostile.getMultiaddrs().map(String).find((a) => a.includes('/127.0.0.1/tcp/')) as string
    client = await openClient({ home: join(dir, 'reader'), passphrase: PASS, nodes: [address] })
  })

  after(async () => {
    await client?.close()
    await hostile?.stop()
    removeDir(dir)
  })

  it('readChannel and newChannelPosts hand out the genuine post only, once', async () => {
    asked = []
    const expected = [{ channel: 'all', id: ChannelPost.decode(genuine).id.reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''), from: userIdFromIdentityKey(author.publicKey), text: 'genuine', sentAt: now - 1000 }]
    assert.deepEqual(await client.readChannel(), expected)
    assert.equal(asked[0]?.channel, 'all')
    assert.deepEqual(await client.newChannelPosts(), expected)
    assert.deepEqual(await client.newChannelPosts(), [], 'shown once')
  })
})
