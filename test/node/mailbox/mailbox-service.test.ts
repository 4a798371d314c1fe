// The mailbox service on real relay nodes (TCP on 127.0.0.1, LevelDB in temp
// dirs): placement on exactly the k closest, quorum before "stored", ack with
// tombstones, quotas, expiry, and the replica protocol's input checks.
import { strict as assert } from 'node:assert'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { encode, decode } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import { ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus, StoreOutcome } from '../../../protocol/pb/node-replica.js'
import { DEFAULT_LIMITS, SECOND } from '../../../node/config.js'
import type { RelayHost } from '../../../node/host.js'
import { REPLICA_PROTOCOL } from '../../../node/mailbox/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREFIX } from '../../../node/store/keys.js'
import { addressOf, LOOPBACK_ALLOW, startMesh, stopAll } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { ackProof, admitTestRelay, envelope, fetchGrant, fetchIds, heldIds, hex, mailboxOf, newDevice, publishDevice, rand, replicasOf, signAck, startTestRelay } from './helpers.js'

describe('mailbox service (five relay nodes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []

  before(async () => {
    nodes = await startMesh(5, {
      limits: { ...DEFAULT_LIMITS, mailboxQuotaEnvelopes: 4, mailboxQuotaBytes: 64 * 1024 }
    })
  })

  after(async () => { await stopAll(nodes) })

  it('stores on exactly the k closest replicas, from any entry node, and only after a write quorum persisted it', async () => {
    for (let round = 0; round < 6; round++) {
      const mailbox = rand(32)
      const entry = nodes[round % nodes.length] as RelayNode
      const env = envelope(mailbox)
      const res = await entry.mailbox.store(env)
      const replicas = replicasOf(nodes, mailbox)
      assert.ok(res.replicas.length >= 2, 'a quorum answered')
      // every replica it names really has it on disk already
      for (const r of res.replicas) {
        const node = nodes.find((n) => n.peerId.toString() === r) as RelayNode
        assert.ok(replicas.includes(node), 'only replicas are named')
        assert.deepEqual(await heldIds(node, mailbox), [hex(env.id)])
      }
      // the third write may still be on its way: wait for it, then the placement is exact
      await waitFor(async () => {
        for (const n of nodes) {
          const has = (await heldIds(n, mailbox)).length === 1
          if (has !== replicas.includes(n)) return false
        }
        return true
      }, { what: 'the envelope on exactly the 3 closest nodes' })
    }
  })

  it('is idempotent per (mailbox, id): a repeated store does not duplicate', async () => {
    const device = newDevice()
    const mailbox = device.mailbox
    const env = envelope(mailbox)
    await nodes[0]!.mailbox.store(env)
    await nodes[1]!.mailbox.store(env)
    const replicas = replicasOf(nodes, mailbox)
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 1) return false; return true })
    const fetched = await nodes[2]!.mailbox.fetch(mailbox, { grant: fetchGrant(device, nodes[2]!) })
    assert.deepEqual(fetched.map((e) => hex(e.id)), [hex(env.id)])
    assert.deepEqual(Buffer.from(fetched[0]!.payload), Buffer.from(env.payload))
  })

  it('rejects bad envelopes with typed errors before writing anything', async () => {
    const mailbox = rand(32)
    const node = nodes[0]!
    const cases: Array<[Envelope, ErrorCode]> = [
      [{ ...envelope(mailbox), id: rand(15) }, ErrorCode.Invalid],
      [{ ...envelope(mailbox), mailbox: rand(31) }, ErrorCode.Invalid],
      [envelope(mailbox, 200, Date.now() - 1), ErrorCode.Expired],
      [envelope(mailbox, 200, Date.now() + node.config.envelopeTtlMs + 60 * SECOND), ErrorCode.Invalid],
      [envelope(mailbox, node.config.limits.maxEnvelopeBytes), ErrorCode.TooLarge]
    ]
    for (const [env, code] of cases) {
      await assert.rejects(node.mailbox.store(env), (err) => RelaymeshError.is(err, code), code)
    }
    for (const n of nodes) assert.deepEqual(await heldIds(n, mailbox), [])
  })

  it('fetch pages through the union of the replicas in id order (for the device, from any node)', async () => {
    const device = newDevice()
    const mailbox = device.mailbox
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      const env = envelope(mailbox)
      ids.push(hex(env.id))
      await nodes[i]!.mailbox.store(env)
    }
    ids.sort()
    assert.deepEqual(await fetchIds(nodes[4]!, device), ids)
    assert.deepEqual(await fetchIds(nodes[3]!, device, { limit: 2 }), ids.slice(0, 2))
    assert.deepEqual(await fetchIds(nodes[3]!, device, { limit: 2, after: ids[1] }), ids.slice(2))
  })

  it('ack deletes on every replica, leaves tombstones, and an old store of an acked id does not resurrect it', async () => {
    const device = newDevice()
    const mailbox = device.mailbox
    await publishDevice(nodes[4]!, device)
    const keep = envelope(mailbox)
    const gone = envelope(mailbox)
    await nodes[0]!.mailbox.store(keep)
    await nodes[0]!.mailbox.store(gone)
    const replicas = replicasOf(nodes, mailbox)
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 2) return false; return true })

    assert.equal(replicas.length, 3)
    await nodes[4]!.mailbox.ack(mailbox, [gone.id], { proof: ackProof(device, [gone.id]) })
    for (const r of replicas) {
      assert.deepEqual(await heldIds(r, mailbox), [hex(keep.id)], `${r.peerId.toString()} deleted the acked envelope`)
      assert.ok(await r.store.get(`${PREFIX.ack}${hex(mailbox)}!${hex(gone.id)}`) !== undefined, 'tombstone written')
    }
    // the sender retries (or a stale replica hands it over): nothing comes back
    const again = await nodes[2]!.mailbox.store(gone)
    assert.ok(again.replicas.length >= 2)
    for (const r of replicas) assert.deepEqual(await heldIds(r, mailbox), [hex(keep.id)])
    assert.deepEqual(await fetchIds(nodes[1]!, device), [hex(keep.id)])
  })

  it('pushes a stored envelope at once to a device attached to the entry node, once', async () => {
    const mailbox = rand(32)
    const got: Envelope[] = []
    const detach = nodes[3]!.mailbox.attach(mailbox, { push: (e) => { got.push(e) } })
    try {
      // attached to the entry node itself
      const env = envelope(mailbox)
      await nodes[3]!.mailbox.store(env)
      assert.deepEqual(got.map((e) => hex(e.id)), [hex(env.id)])
      // a repeated store pushes nothing new
      await nodes[3]!.mailbox.store(env)
      assert.equal(got.length, 1)
    } finally {
      detach()
    }
  })

  it('refuses over the mailbox quota with a typed error and keeps what it holds', async () => {
    const device = newDevice()
    const mailbox = device.mailbox
    await publishDevice(nodes[0]!, device)
    const stored: string[] = []
    for (let i = 0; i < 4; i++) {
      const env = envelope(mailbox)
      await nodes[0]!.mailbox.store(env)
      stored.push(hex(env.id))
    }
    stored.sort()
    const replicas = replicasOf(nodes, mailbox)
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 4) return false; return true })
    const bytesBefore = replicas.map((r) => mailboxOf(r).storedBytes())

    await assert.rejects(nodes[1]!.mailbox.store(envelope(mailbox)), (err) => RelaymeshError.is(err, ErrorCode.QuotaExceeded))
    for (const r of replicas) assert.deepEqual(await heldIds(r, mailbox), stored)
    assert.deepEqual(replicas.map((r) => mailboxOf(r).storedBytes()), bytesBefore)
    assert.deepEqual(await fetchIds(nodes[2]!, device), stored)

    // the byte quota too (64 KiB): a fresh mailbox, two 40 KiB envelopes
    const big = rand(32)
    await nodes[0]!.mailbox.store(envelope(big, 40 * 1024))
    await assert.rejects(nodes[0]!.mailbox.store(envelope(big, 40 * 1024)), (err) => RelaymeshError.is(err, ErrorCode.QuotaExceeded))

    // acknowledging frees the quota
    const first = new Uint8Array(Buffer.from(stored[0]!, 'hex'))
    await nodes[0]!.mailbox.ack(mailbox, [first], { proof: ackProof(device, [first]) })
    await nodes[0]!.mailbox.store(envelope(mailbox))
  })

  it('purges expired envelopes and counts them', async () => {
    const mailbox = rand(32)
    const env = envelope(mailbox, 100, Date.now() + 1500)
    await nodes[0]!.mailbox.store(env)
    const replicas = replicasOf(nodes, mailbox)
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 1) return false; return true })
    await new Promise((resolve) => setTimeout(resolve, 1600))
    assert.deepEqual(await replicas[0]!.mailbox.fetch(mailbox), [], 'fetch hides expired envelopes')
    for (const r of replicas) {
      const before = (await r.metrics.envelopesExpired.get()).values[0]?.value ?? 0
      assert.ok(await mailboxOf(r).purgeExpired() >= 1)
      assert.deepEqual(await heldIds(r, mailbox), [])
      assert.ok(((await r.metrics.envelopesExpired.get()).values[0]?.value ?? 0) > before)
    }
  })

  describe('replica protocol input', () => {
    let stranger: RelayHost | undefined

    after(async () => { await stranger?.stop() })

    async function ask (host: RelayHost, target: RelayNode, frame: Uint8Array): Promise<ReplicaResponse> {
      const stream = await host.dialProtocol(multiaddr(addressOf(target)), REPLICA_PROTOCOL, { signal: AbortSignal.timeout(5000) })
      const lp = lpStream(stream, { maxDataLength: 4 * 1024 * 1024 })
      await lp.write(frame)
      const res = decode(ReplicaResponse, (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(), 4 * 1024 * 1024, 'ReplicaResponse')
      await stream.close().catch(() => {})
      return res
    }

    it('refuses peers that are not relays, and bad frames from relays, changing nothing', async () => {
      // a bare libp2p host (no relay protocols): not in any directory
      const { createClientHost } = await import('../../../client/transport/client-host.js')
      const client = await createClientHost()
      try {
        const mailbox = rand(32)
        const store = encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_STORE, envelopes: [encode(ReplicaResponse, {})] })
        const res = await ask(client as unknown as RelayHost, nodes[0]!, store)
        assert.equal(res.status, ReplicaStatus.REPLICA_ERROR)
        assert.equal(res.errorCode, ErrorCode.Unauthorized)
        const ack = encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_ACK, mailbox, ids: [rand(16)] })
        assert.equal((await ask(client as unknown as RelayHost, nodes[0]!, ack)).errorCode, ErrorCode.Unauthorized)
      } finally {
        await client.stop()
      }

      // a relay host (serves kad-dht) with a valid signed node record: once admitted, malformed input gets typed errors
      stranger = await startTestRelay()
      await admitTestRelay(stranger, nodes)

      const bad: Array<[Uint8Array, ErrorCode]> = [
        [rand(64), ErrorCode.Decode],
        [encode(ReplicaRequest, { version: 2, type: ReplicaRequestType.REPLICA_FETCH, mailbox: rand(32) }), ErrorCode.Decode],
        [encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_FETCH, mailbox: rand(31) }), ErrorCode.Invalid],
        [encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_ACK, mailbox: rand(32), ids: [rand(15)] }), ErrorCode.Invalid],
        [encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_NONE }), ErrorCode.Invalid]
      ]
      for (const [frame, code] of bad) {
        const res = await ask(stranger, nodes[0]!, frame)
        assert.equal(res.status, ReplicaStatus.REPLICA_ERROR)
        assert.equal(res.errorCode, code)
      }
      // an enum value this version does not know (version 1, type 99)
      const unknownType = await ask(stranger, nodes[0]!, Uint8Array.of(0x08, 0x01, 0x10, 99))
      assert.equal(unknownType.status, ReplicaStatus.REPLICA_ERROR)

      // a STORE batch: each envelope judged on its own, the valid one stored
      const mailbox = rand(32)
      const good = envelope(mailbox, 50, Date.now() + 60 * SECOND)
      const expired = envelope(mailbox, 50, Date.now() - 1)
      const noExpiry = envelope(mailbox, 50, 0)
      const { Envelope: EnvelopeType } = await import('../../../protocol/pb/envelope.js')
      const res = await ask(stranger, nodes[0]!, encode(ReplicaRequest, {
        version: WIRE_VERSION,
        type: ReplicaRequestType.REPLICA_STORE,
        envelopes: [encode(EnvelopeType, good), rand(40), encode(EnvelopeType, expired), encode(EnvelopeType, noExpiry)]
      }))
      assert.equal(res.status, ReplicaStatus.REPLICA_OK)
      assert.deepEqual(res.results.map((r) => r.outcome), [StoreOutcome.STORE_STORED, StoreOutcome.STORE_REJECTED, StoreOutcome.STORE_REJECTED, StoreOutcome.STORE_REJECTED])
      assert.deepEqual(res.results.slice(1).map((r) => r.errorCode), [ErrorCode.Decode, ErrorCode.Expired, ErrorCode.Expired])
      assert.deepEqual(await heldIds(nodes[0]!, mailbox), [hex(good.id)])

      // an oversized frame: an error answer or a closed stream, and the node keeps serving
      await ask(stranger, nodes[0]!, rand(nodes[0]!.config.limits.maxFrameBytes + 10)).then(
        (r) => { assert.equal(r.errorCode, ErrorCode.TooLarge) },
        () => { /* closed: also fine */ }
      )
      const again = await ask(stranger, nodes[0]!, encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_STORE, envelopes: [encode(EnvelopeType, good)] }))
      assert.deepEqual(again.results.map((r) => r.outcome), [StoreOutcome.STORE_DUPLICATE])
      // (it stored there, but it is no replica of the mailbox: it may not list it)
      if (!closestReference(mailbox, [...nodes.map((n) => n.peerId.toString()), stranger.peerId.toString()], 3).includes(stranger.peerId.toString())) {
        const fetched = await ask(stranger, nodes[0]!, encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_FETCH, mailbox }))
        assert.equal(fetched.errorCode, ErrorCode.Unauthorized)
        assert.equal(fetched.envelopes.length, 0)
      }

      // DELIVER: pushed to the device attached there, at most once per envelope
      const pushed: Envelope[] = []
      const detach = nodes[0]!.mailbox.attach(mailbox, { push: (e) => { pushed.push(e) } })
      try {
        const deliver = encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_DELIVER, envelopes: [encode(EnvelopeType, good)] })
        assert.equal((await ask(stranger, nodes[0]!, deliver)).count, 1)
        assert.equal((await ask(stranger, nodes[0]!, deliver)).count, 0)
        assert.deepEqual(pushed.map((e) => hex(e.id)), [hex(good.id)])
      } finally {
        detach()
      }
    })

    it('a relay cannot delete with a forged device acknowledgement: each replica checks the signature itself', async () => {
      // needs the test relay (a valid relay in every directory) from the first test
      assert.ok(stranger !== undefined)
      // the test relay serves no replica protocol: pick a mailbox it is not a replica of
      const everyone = [...nodes.map((n) => n.peerId.toString()), stranger.peerId.toString()]
      let device = newDevice()
      while (closestReference(device.mailbox, everyone, 3).includes(stranger.peerId.toString())) device = newDevice()
      const mailbox = device.mailbox
      const env = envelope(mailbox)
      await nodes[0]!.mailbox.store(env)
      const replicas = replicasOf(nodes, mailbox)
      await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 1) return false; return true })
      const target = replicas[0] as RelayNode
      assert.ok(target.relays.isAdmitted(stranger.peerId))

      const other = newDevice()
      const ids = [env.id]
      const ack = (fields: Partial<ReplicaRequest>): Uint8Array => encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_ACK, mailbox, ids, ...fields })
      const badSignature = signAck(device, ids)
      badSignature[5] = (badSignature[5] as number) ^ 1
      const forged: Array<[string, Uint8Array, ErrorCode]> = [
        ['no evidence at all (what any relay could send before)', ack({}), ErrorCode.Unauthorized],
        ['no evidence, a tombstone expiry instead (a handover tombstone before)', ack({ expires: [Date.now() + 60_000] }), ErrorCode.Unauthorized],
        ['a device list but no signature', ack({ deviceList: device.deviceList, deviceId: device.deviceId }), ErrorCode.Unauthorized],
        ['a flipped bit in the signature', ack({ signature: badSignature, deviceList: device.deviceList, deviceId: device.deviceId }), ErrorCode.BadSignature],
        ['random bytes as signature', ack({ signature: rand(64), deviceList: device.deviceList, deviceId: device.deviceId }), ErrorCode.BadSignature],
        ['a signature over other ids', ack({ signature: signAck(device, [rand(16)]), deviceList: device.deviceList, deviceId: device.deviceId }), ErrorCode.BadSignature],
        ['another user\'s device, validly signed, claiming this mailbox', ack({ signature: signAck(other, ids, mailbox), deviceList: other.deviceList, deviceId: other.deviceId }), ErrorCode.Unauthorized],
        ['a device id not in the list', ack({ signature: signAck(device, ids), deviceList: device.deviceList, deviceId: 7 }), ErrorCode.Unauthorized],
        ['a device list that is not a valid record', ack({ signature: signAck(device, ids), deviceList: rand(200), deviceId: device.deviceId }), ErrorCode.Decode]
      ]
      const tombstone = `${PREFIX.ack}${hex(mailbox)}!${hex(env.id)}`
      for (const [what, frame, code] of forged) {
        const res = await ask(stranger, target, frame)
        assert.equal(res.status, ReplicaStatus.REPLICA_ERROR, what)
        assert.equal(res.errorCode, code, what)
        assert.deepEqual(await heldIds(target, mailbox), [hex(env.id)], `${what}: nothing deleted`)
        assert.equal(await target.store.get(tombstone), undefined, `${what}: no tombstone`)
      }
      // the genuine acknowledgement, relayed by the same relay, is honoured
      const genuine = await ask(stranger, target, ack({ signature: signAck(device, ids), deviceList: device.deviceList, deviceId: device.deviceId }))
      assert.equal(genuine.status, ReplicaStatus.REPLICA_OK)
      assert.equal(genuine.count, 1)
      assert.deepEqual(await heldIds(target, mailbox), [])
      assert.ok(await target.store.get(tombstone) !== undefined)

      // and the entry node refuses a bad proof before asking anyone
      const entry = nodes.find((n) => !replicas.includes(n)) as RelayNode
      const env2 = envelope(mailbox)
      await entry.mailbox.store(env2)
      await publishDevice(entry, device)
      await assert.rejects(entry.mailbox.ack(mailbox, [env2.id], { proof: { signature: rand(64), userId: device.userId } }), (err) => RelaymeshError.is(err, ErrorCode.BadSignature))
      await assert.rejects(entry.mailbox.ack(mailbox, [env2.id]), (err) => RelaymeshError.is(err, ErrorCode.Unauthorized))
      await waitFor(async () => { for (const r of replicas) if (!(await heldIds(r, mailbox)).includes(hex(env2.id))) return false; return true },
        { what: 'the second envelope still on every replica' })
    })

    it('hands a tombstone held only by a non-replica to the replicas, which delete their copies', async () => {
      // needs the test relay from the previous test
      assert.ok(stranger !== undefined)
      // the test relay is in the directories now but serves no replica protocol: pick a mailbox it is not a replica of
      const everyone = [...nodes.map((n) => n.peerId.toString()), stranger.peerId.toString()]
      let device = newDevice()
      while (closestReference(device.mailbox, everyone, 3).includes(stranger.peerId.toString())) device = newDevice()
      const mailbox = device.mailbox
      const env = envelope(mailbox)
      await nodes[0]!.mailbox.store(env)
      const replicas = replicasOf(nodes, mailbox)
      await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 1) return false; return true })
      // an acknowledgement that reached only a stand-in (as during churn)
      const standIn = nodes.find((n) => !replicas.includes(n)) as RelayNode
      assert.ok(standIn.relays.isAdmitted(stranger.peerId))
      // (the device's own acknowledgement, with the evidence every replica checks)
      const ack = encode(ReplicaRequest, {
        version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_ACK, mailbox, ids: [env.id], signature: signAck(device, [env.id]), deviceList: device.deviceList, deviceId: device.deviceId
      })
      assert.equal((await ask(stranger, standIn, ack)).status, ReplicaStatus.REPLICA_OK)
      const tombstone = `${PREFIX.ack}${hex(mailbox)}!${hex(env.id)}`
      assert.ok(await standIn.store.get(tombstone) !== undefined)

      // (the test relay, a replica of some older mailboxes here, fails its part: that is fine)
      await mailboxOf(standIn).handover()
      for (const r of replicas) {
        assert.deepEqual(await heldIds(r, mailbox), [], 'the replica deleted its copy')
        assert.ok(await r.store.get(tombstone) !== undefined, 'and keeps the tombstone')
      }
      assert.equal(await standIn.store.get(tombstone), undefined, 'the stand-in forgets it once every replica has it')
    })
  })
})
