import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { CONTEXT, MAX_DEVICES, MAX_RECORD_LIFETIME_MS, MAX_SIGNED_RECORD_BYTES, RecordKind, WIRE_VERSION } from '../../protocol/constants.js'
import { encodeEC, encodeKEM } from '../../protocol/crypto/encoding.js'
import { concat, ed25519GenerateKeyPair, ed25519Sign, mlkemGenerateKeyPair, randomBytes, x25519GenerateKeyPair } from '../../protocol/crypto/primitives.js'
import type { Ed25519KeyPair } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { userIdFromIdentityKey } from '../../protocol/identity.js'
import { DeviceList, PreKeyBundle, Presence, SignedRecord } from '../../protocol/pb/records.js'
import { compareRecords, openRecord, signRecord } from '../../protocol/records.js'
import type { TypedRecord, VerifiedRecord } from '../../protocol/records.js'

type AB = Uint8Array<ArrayBuffer>
const ab = (b: Uint8Array): AB => b as AB
const isCode = (...codes: ErrorCode[]) => (err: unknown): boolean => RelaymeshError.is(err) && codes.includes(err.code)

const NOW = 1_800_000_000_000
const DAY = 24 * 60 * 60 * 1000
const EXPIRES = NOW + 7 * DAY

const alice = ed25519GenerateKeyPair()
const mallory = ed25519GenerateKeyPair()
const kem = mlkemGenerateKeyPair() // slow-ish: one for the whole file

function deviceList (identity: Ed25519KeyPair, seq: number, n = 3, expiresAt = EXPIRES): TypedRecord {
  const devices = Array.from({ length: n }, (_, i) => ({ deviceId: i + 1, deviceKey: ab(ed25519GenerateKeyPair().publicKey) }))
  return { kind: RecordKind.DeviceList, body: { version: WIRE_VERSION, identityKey: ab(identity.publicKey), seq, expiresAt, devices } }
}

function bundle (identity: Ed25519KeyPair, seq: number, deviceId = 1, expiresAt = EXPIRES): TypedRecord {
  const spk = x25519GenerateKeyPair().publicKey
  return {
    kind: RecordKind.PreKeyBundle,
    body: {
      version: WIRE_VERSION,
      identityKey: ab(identity.publicKey),
      deviceId,
      seq,
      expiresAt,
      signedPrekey: { id: 7, publicKey: ab(spk), signature: ab(ed25519Sign(identity.privateKey, encodeEC(spk))) },
      kemPrekey: { id: 9, publicKey: ab(kem.publicKey), signature: ab(ed25519Sign(identity.privateKey, encodeKEM(kem.publicKey))) }
    }
  }
}

function presence (identity: Ed25519KeyPair, seq: number, deviceId = 1, expiresAt = EXPIRES): TypedRecord {
  return {
    kind: RecordKind.Presence,
    body: { version: WIRE_VERSION, identityKey: ab(identity.publicKey), deviceId, nodeId: ab(randomBytes(38)), online: true, seq, expiresAt }
  }
}

/** A SignedRecord built by hand: signed by `signer` whatever the body says. */
function forge (signer: Ed25519KeyPair, kind: number, body: Uint8Array, version = WIRE_VERSION): Uint8Array {
  const signature = ed25519Sign(signer.privateKey, concat(CONTEXT.record, Uint8Array.of(kind), body))
  return SignedRecord.encode({ version, kind, body: ab(body), signature: ab(signature) })
}

function varint (n: bigint): Uint8Array {
  const out: number[] = []
  while (n >= 0x80n) { out.push(Number(n & 0x7fn) | 0x80); n >>= 7n }
  out.push(Number(n))
  return Uint8Array.from(out)
}

const makers = { deviceList, bundle, presence }

describe('protocol/records', () => {
  describe('round trip', () => {
    for (const [name, make] of Object.entries(makers)) {
      it(`${name}: opens to the signed body, with user id, key and meta`, () => {
        const record = make(alice, 5)
        const bytes = signRecord(alice, record)
        assert.ok(bytes.byteLength <= MAX_SIGNED_RECORD_BYTES)
        const opened = openRecord(bytes, NOW)
        assert.equal(opened.kind, record.kind)
        assert.deepEqual(opened.body, record.body)
        assert.deepEqual(opened.identityKey, alice.publicKey)
        assert.equal(opened.userId, userIdFromIdentityKey(alice.publicKey))
        assert.equal(opened.seq, 5)
        assert.equal(opened.expiresAt, EXPIRES)
        assert.deepEqual(opened.bytes, bytes)
        const expectedKey = record.kind === RecordKind.DeviceList || record.kind === RecordKind.Profile
          ? `${record.kind}/${opened.userId}`
          : `${record.kind}/${opened.userId}/${record.body.deviceId}`
        assert.equal(opened.key, expectedKey)
        assert.equal(compareRecords(opened, openRecord(bytes, NOW)), 'same')
      })
    }

    it('a bundle with a 1184-byte ML-KEM key fits MAX_SIGNED_RECORD_BYTES', () => {
      const bytes = signRecord(alice, bundle(alice, 1, 0xffffffff))
      assert.ok(bytes.byteLength < MAX_SIGNED_RECORD_BYTES, `${bytes.byteLength}`)
      assert.equal(openRecord(bytes, NOW).kind, RecordKind.PreKeyBundle)
    })

    it('a full device list fits and opens', () => {
      const bytes = signRecord(alice, deviceList(alice, 1, MAX_DEVICES))
      const opened = openRecord(bytes, NOW)
      assert.equal(opened.kind === RecordKind.DeviceList && opened.body.devices.length, MAX_DEVICES)
    })

    it('stamps version 1 on a body whose version is unset', () => {
      const record = presence(alice, 1)
      record.body.version = 0
      assert.equal(openRecord(signRecord(alice, record), NOW).body.version, WIRE_VERSION)
    })

    it('an offline presence (every optional field at its default) opens', () => {
      const record = presence(alice, 0, 0)
      if (record.kind === RecordKind.Presence) record.body.online = false
      const opened = openRecord(signRecord(alice, record), NOW)
      assert.deepEqual(opened.body, record.body)
    })

    it('records of one user and different devices have different keys', () => {
      const a = openRecord(signRecord(alice, presence(alice, 1, 1)), NOW)
      const b = openRecord(signRecord(alice, presence(alice, 1, 2)), NOW)
      const c = openRecord(signRecord(alice, bundle(alice, 1, 1)), NOW)
      assert.notEqual(a.key, b.key)
      assert.notEqual(a.key, c.key)
      assert.throws(() => compareRecords(a, b), isCode(ErrorCode.InvalidArgument))
    })
  })

  describe('signing refuses what openRecord would refuse', () => {
    it('a body naming another identity key', () => {
      assert.throws(() => signRecord(mallory, presence(alice, 1)), isCode(ErrorCode.InvalidArgument))
    })

    it('malformed bodies', () => {
      const tooMany = deviceList(alice, 1, MAX_DEVICES + 1)
      assert.throws(() => signRecord(alice, tooMany), isCode(ErrorCode.InvalidArgument))
      const dup = deviceList(alice, 1, 2)
      if (dup.kind === RecordKind.DeviceList) dup.body.devices[1]!.deviceId = dup.body.devices[0]!.deviceId
      assert.throws(() => signRecord(alice, dup), isCode(ErrorCode.InvalidArgument))
      const shortKey = bundle(alice, 1)
      if (shortKey.kind === RecordKind.PreKeyBundle) shortKey.body.kemPrekey!.publicKey = ab(new Uint8Array(1183))
      assert.throws(() => signRecord(alice, shortKey), isCode(ErrorCode.InvalidArgument))
      const badPrekeySig = bundle(alice, 1)
      if (badPrekeySig.kind === RecordKind.PreKeyBundle) badPrekeySig.body.signedPrekey!.signature[0]! ^= 1
      assert.throws(() => signRecord(alice, badPrekeySig), isCode(ErrorCode.InvalidArgument))
      const noNode = presence(alice, 1)
      if (noNode.kind === RecordKind.Presence) noNode.body.nodeId = ab(new Uint8Array(0))
      assert.throws(() => signRecord(alice, noNode), isCode(ErrorCode.InvalidArgument))
      const badSeq = presence(alice, 1)
      badSeq.body.seq = -1
      assert.throws(() => signRecord(alice, badSeq), isCode(ErrorCode.InvalidArgument))
      const badVersion = presence(alice, 1)
      badVersion.body.version = 2
      assert.throws(() => signRecord(alice, badVersion), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => signRecord(alice, { kind: 9, body: presence(alice, 1).body } as unknown as TypedRecord), isCode(ErrorCode.InvalidArgument))
    })
  })

  describe('forgeries are rejected', () => {
    it('signed by another identity than the body names: BadSignature', () => {
      for (const make of Object.values(makers)) {
        const record = make(alice, 1)
        const body = (record.kind === RecordKind.DeviceList ? DeviceList : record.kind === RecordKind.PreKeyBundle ? PreKeyBundle : Presence).encode(record.body as never)
        assert.throws(() => openRecord(forge(mallory, record.kind, body), NOW), isCode(ErrorCode.BadSignature))
        // the genuine signer's signature verifies on the same bytes
        assert.equal(openRecord(forge(alice, record.kind, body), NOW).kind, record.kind)
      }
    })

    it('a signature moved to another kind: BadSignature', () => {
      const record = presence(alice, 1)
      const outer = SignedRecord.decode(signRecord(alice, record))
      // kind is inside the signed message: relabelling it breaks the signature (or the body decode)
      const relabelled = SignedRecord.encode({ ...outer, kind: RecordKind.PreKeyBundle })
      assert.throws(() => openRecord(relabelled, NOW), isCode(ErrorCode.BadSignature, ErrorCode.Decode))
    })

    it('any flipped bit anywhere: rejected (BadSignature or Decode)', () => {
      const records = Object.values(makers).map((make) => signRecord(alice, make(alice, 3)))
      fc.assert(fc.property(fc.nat({ max: records.length - 1 }), fc.nat(), fc.nat({ max: 7 }), (r, at, bit) => {
        const bytes = records[r]!.slice()
        bytes[at % bytes.byteLength]! ^= 1 << bit
        assert.throws(() => openRecord(bytes, NOW), isCode(ErrorCode.BadSignature, ErrorCode.Decode))
      }), { numRuns: 300 })
    })

    it('a flipped byte in the signature or in the body\'s keys: BadSignature', () => {
      const bytes = signRecord(alice, presence(alice, 1))
      const sigFlip = bytes.slice()
      sigFlip[bytes.byteLength - 10]! ^= 0x40 // inside the signature (last field)
      assert.throws(() => openRecord(sigFlip, NOW), isCode(ErrorCode.BadSignature))
      const outer = SignedRecord.decode(bytes)
      const body = Presence.decode(outer.body)
      const node = body.nodeId.slice()
      node[0]! ^= 1
      const swapped = SignedRecord.encode({ ...outer, body: Presence.encode({ ...body, nodeId: node }) })
      assert.throws(() => openRecord(swapped, NOW), isCode(ErrorCode.BadSignature))
    })

    it('a bundle whose prekey signature is not by the identity: BadSignature', () => {
      const record = bundle(alice, 1)
      if (record.kind !== RecordKind.PreKeyBundle) throw new Error('unreachable')
      const spk = record.body.signedPrekey!
      spk.signature = ab(ed25519Sign(mallory.privateKey, encodeEC(spk.publicKey)))
      assert.throws(() => openRecord(forge(alice, RecordKind.PreKeyBundle, PreKeyBundle.encode(record.body)), NOW), isCode(ErrorCode.BadSignature))
    })
  })

  describe('replay and expiry', () => {
    it('latest seq wins: a replayed older record compares older', () => {
      const old = openRecord(signRecord(alice, deviceList(alice, 1)), NOW)
      const cur = openRecord(signRecord(alice, deviceList(alice, 2)), NOW)
      assert.equal(compareRecords(cur, old), 'newer')
      assert.equal(compareRecords(old, cur), 'older')
      assert.equal(compareRecords(cur, cur), 'same')
    })

    it('an equal seq with different content is decided the same way from both sides', () => {
      const pairs: Array<[VerifiedRecord, VerifiedRecord]> = []
      for (let i = 0; i < 10; i++) {
        pairs.push([openRecord(signRecord(alice, presence(alice, 4)), NOW), openRecord(signRecord(alice, presence(alice, 4)), NOW)])
      }
      // later expiry first
      pairs.push([openRecord(signRecord(alice, presence(alice, 4, 1, EXPIRES + 1)), NOW), openRecord(signRecord(alice, presence(alice, 4)), NOW)])
      for (const [a, b] of pairs) {
        const ab = compareRecords(a, b)
        const ba = compareRecords(b, a)
        assert.notEqual(ab, 'same')
        assert.equal(ba, ab === 'newer' ? 'older' : 'newer')
      }
      const [later, earlier] = pairs[pairs.length - 1]!
      assert.equal(compareRecords(later, earlier), 'newer')
    })

    it('expired records: Expired (at and after expiresAt)', () => {
      for (const make of Object.values(makers)) {
        const bytes = signRecord(alice, make(alice, 1, 1, NOW + 1000))
        assert.equal(openRecord(bytes, NOW + 999).seq, 1)
        assert.throws(() => openRecord(bytes, NOW + 1000), isCode(ErrorCode.Expired))
        assert.throws(() => openRecord(bytes, NOW + 10 * DAY), isCode(ErrorCode.Expired))
      }
    })

    it('an expiry more than 35 days ahead: Decode', () => {
      const bytes = signRecord(alice, presence(alice, 1, 1, NOW + MAX_RECORD_LIFETIME_MS + 1))
      assert.throws(() => openRecord(bytes, NOW), isCode(ErrorCode.Decode))
      assert.equal(openRecord(bytes, NOW + 1).seq, 1)
    })
  })

  describe('hostile bytes: Decode', () => {
    it('random bytes', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        assert.throws(() => openRecord(bytes, NOW), isCode(ErrorCode.Decode))
      }), { numRuns: 300 })
    })

    it('every truncation', () => {
      const bytes = signRecord(alice, presence(alice, 1))
      for (let n = 0; n < bytes.byteLength; n++) {
        assert.throws(() => openRecord(bytes.subarray(0, n), NOW), isCode(ErrorCode.Decode), `length ${n}`)
      }
    })

    it('oversized input', () => {
      const bytes = new Uint8Array(MAX_SIGNED_RECORD_BYTES + 1)
      assert.throws(() => openRecord(bytes, NOW), isCode(ErrorCode.Decode))
    })

    it('non-canonical wrappers (trailing unknown field, duplicated field)', () => {
      const bytes = signRecord(alice, presence(alice, 1))
      assert.throws(() => openRecord(concat(bytes, Uint8Array.of(0x28, 0x01)), NOW), isCode(ErrorCode.Decode))
      assert.throws(() => openRecord(concat(Uint8Array.of(0x10, 0x03), bytes), NOW), isCode(ErrorCode.Decode))
    })

    it('wrong version, unknown kind, bad signature length, bodies with bad fields', () => {
      const p = presence(alice, 1)
      const body = Presence.encode(p.body as Presence)
      assert.throws(() => openRecord(forge(alice, RecordKind.Presence, body, 2), NOW), isCode(ErrorCode.Decode))
      assert.throws(() => openRecord(forge(alice, 4, body), NOW), isCode(ErrorCode.Decode))
      const outer = SignedRecord.decode(signRecord(alice, p))
      assert.throws(() => openRecord(SignedRecord.encode({ ...outer, signature: outer.signature.subarray(0, 63) }), NOW), isCode(ErrorCode.Decode))
      const seventeen = DeviceList.encode({
        version: 1,
        identityKey: ab(alice.publicKey),
        seq: 1,
        expiresAt: EXPIRES,
        devices: Array.from({ length: MAX_DEVICES + 1 }, (_, i) => ({ deviceId: i, deviceKey: ab(alice.publicKey) }))
      })
      assert.throws(() => openRecord(forge(alice, RecordKind.DeviceList, seventeen), NOW), isCode(ErrorCode.Decode))
      const dup = DeviceList.encode({
        version: 1, identityKey: ab(alice.publicKey), seq: 1, expiresAt: EXPIRES, devices: [{ deviceId: 1, deviceKey: ab(alice.publicKey) }, { deviceId: 1, deviceKey: ab(mallory.publicKey) }]
      })
      assert.throws(() => openRecord(forge(alice, RecordKind.DeviceList, dup), NOW), isCode(ErrorCode.Decode))
      const shortDeviceKey = DeviceList.encode({
        version: 1, identityKey: ab(alice.publicKey), seq: 1, expiresAt: EXPIRES, devices: [{ deviceId: 1, deviceKey: ab(alice.publicKey.subarray(1)) }]
      })
      assert.throws(() => openRecord(forge(alice, RecordKind.DeviceList, shortDeviceKey), NOW), isCode(ErrorCode.Decode))
      const bodyVersion = Presence.encode({ ...(p.body as Presence), version: 2 })
      assert.throws(() => openRecord(forge(alice, RecordKind.Presence, bodyVersion), NOW), isCode(ErrorCode.Decode))
      // fields 1..5, then seq = 2^60 (field 6) and expiresAt (field 7), in canonical order
      const head = Presence.encode({ ...(p.body as Presence), seq: 0, expiresAt: 0 })
      const hugeSeq = concat(head, Uint8Array.of(0x30), varint(2n ** 60n), Uint8Array.of(0x38), varint(BigInt(EXPIRES)))
      assert.throws(() => openRecord(forge(alice, RecordKind.Presence, hugeSeq), NOW), isCode(ErrorCode.Decode))
      const noBundleKem = bundle(alice, 1).body as PreKeyBundle
      delete noBundleKem.kemPrekey
      assert.throws(() => openRecord(forge(alice, RecordKind.PreKeyBundle, PreKeyBundle.encode(noBundleKem)), NOW), isCode(ErrorCode.Decode))
    })
  })
})
