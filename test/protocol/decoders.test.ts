// Every decoder in protocol/, fed random, truncated and oversized bytes,
// returns a value or a RelaymeshError — never an untyped throw, never a hang
// (mocha's timeout) and never an allocation beyond its size limit.
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { decode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import * as C from '../../protocol/constants.js'
import { ContentType, RecordKind } from '../../protocol/constants.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { SignedRecord, DeviceList, PreKeyBundle, Presence, OneTimePreKey } from '../../protocol/pb/records.js'
import { SealedSender, SealedContent } from '../../protocol/pb/sealed-sender.js'
import { RatchetMessage, PqxdhInitial } from '../../protocol/pb/ratchet.js'
import { SenderKeyDistribution, GroupMessage } from '../../protocol/pb/group.js'
import { FileManifest, FileChunk } from '../../protocol/pb/file.js'
import { ClientRequest, ClientResponse, AttachChallenge, AttachRequest, AttachEvent, AttachUpdate } from '../../protocol/pb/client-api.js'
import { ed25519GenerateKeyPair, randomBytes, x25519GenerateKeyPair } from '../../protocol/crypto/primitives.js'
import { signRecord, openRecord } from '../../protocol/records.js'
import { sealSender, openSealedSender } from '../../protocol/crypto/sealed-sender.js'
import { initSenderSession, ratchetEncrypt, encodeRatchetMessage, decodeRatchetMessage, serializeSession, deserializeSession } from '../../protocol/crypto/double-ratchet.js'
import { createSenderKey, distributionMessage, encodeDistribution, decodeDistribution, groupEncrypt, groupDecrypt, processDistribution, serializeSenderKeyState, deserializeSenderKeyState, serializeSenderKeyRecord, deserializeSenderKeyRecord, readGroupMessageHeader } from '../../protocol/crypto/sender-keys.js'
import { buildPreKeyBundle, generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey } from '../../protocol/keys.js'
import { acceptSession, encryptMessage, serializeSessionRecord, deserializeSessionRecord, startSession } from '../../protocol/crypto/session.js'
import { newLocalStateKdf, deriveLocalStateKey, sealWithKey, openWithKey, readLocalStateHeader } from '../../protocol/crypto/local-state.js'
import { WIRE_VERSION } from '../../protocol/constants.js'

interface Decoder {
  name: string
  /** a valid input, so truncations of real encodings are tried too */
  sample: Uint8Array
  /** inputs over this many bytes must be refused */
  limit?: number
  run: (bytes: Uint8Array) => unknown
}

/** Runs a decoder; a typed error or a value is fine, anything else fails the test. */
function typedOnly (d: Decoder, bytes: Uint8Array): RelaymeshError | undefined {
  try {
    d.run(bytes)
    return undefined
  } catch (err) {
    if (!(err instanceof RelaymeshError)) {
      assert.fail(`${d.name} threw an untyped ${(err as Error)?.name}: ${(err as Error)?.message} on ${Buffer.from(bytes).toString('hex').slice(0, 80)}`)
    }
    assert.ok(Object.values(ErrorCode).includes(err.code), `${d.name}: unknown code ${err.code}`)
    return err
  }
}

function buildDecoders (): Decoder[] {
  const now = Date.now()
  const alice = ed25519GenerateKeyPair()
  const bob = ed25519GenerateKeyPair()
  // messages without a version field (nested-only types) are decoded with version null
  const pb = <T>(name: string, type: { encode: (v: Partial<T>) => Uint8Array, decode: (b: Uint8Array) => T }, sample: Partial<T>, limit: number, version: number | null = WIRE_VERSION): Decoder => ({
    name, sample: type.encode(sample), limit, run: (b) => decode(type, b, limit, name, version)
  })

  const deviceList = signRecord(alice, { kind: RecordKind.DeviceList, body: { version: WIRE_VERSION, identityKey: alice.publicKey as Uint8Array<ArrayBuffer>, seq: 1, expiresAt: now + 60_000, devices: [{ deviceId: 1, deviceKey: ed25519GenerateKeyPair().publicKey as Uint8Array<ArrayBuffer> }] } })
  const spk = generateSignedPreKey(bob, 1, now)
  const kem = generateKemPreKey(bob, 1, now)
  const bundle = buildPreKeyBundle({ identity: bob, deviceId: 1, seq: 1, expiresAt: now + 60_000, signedPreKey: spk, kemPreKey: kem })
  const otks = generateOneTimePreKeys(1, 1)
  const session = startSession({ identity: alice, deviceId: 1, bundle })
  const initial = encryptMessage(session, new TextEncoder().encode('hello'))
  const store = {
    signedPreKey: (id: number) => id === spk.id ? spk : undefined,
    kemPreKey: (id: number) => id === kem.id ? kem : undefined,
    oneTimePreKey: (id: number) => otks.find((k) => k.id === id),
    removeOneTimePreKey: () => {}
  }

  const ratchet = initSenderSession(randomBytes(32), x25519GenerateKeyPair().publicKey, randomBytes(64))
  const ratchetMsg = encodeRatchetMessage(ratchetEncrypt(ratchet, randomBytes(40)))
  const sk = createSenderKey(randomBytes(16))
  const dist = distributionMessage(sk)
  const record = processDistribution(undefined, dist)
  const groupMsg = groupEncrypt(sk, randomBytes(40))
  const sealed = sealSender({ senderIdentity: alice, senderDeviceId: 1, recipientIdentityKey: bob.publicKey, contentType: ContentType.Ratchet, content: randomBytes(64) })
  const kdf = newLocalStateKdf({ N: 1 << 4, r: 1, p: 1 })
  const lsKey = deriveLocalStateKey('pass', kdf)
  const lsSealed = sealWithKey(lsKey, randomBytes(100))

  return [
    pb('Envelope', Envelope, { version: 1, id: randomBytes(16) as Uint8Array<ArrayBuffer>, mailbox: randomBytes(32) as Uint8Array<ArrayBuffer>, expiresAt: now, payload: randomBytes(50) as Uint8Array<ArrayBuffer> }, C.MAX_ENVELOPE_BYTES),
    pb('SignedRecord', SignedRecord, SignedRecord.decode(deviceList), C.MAX_SIGNED_RECORD_BYTES),
    pb('DeviceList', DeviceList, { version: 1, seq: 1 }, C.MAX_SIGNED_RECORD_BYTES),
    pb('PreKeyBundle', PreKeyBundle, bundle, C.MAX_SIGNED_RECORD_BYTES),
    pb('Presence', Presence, { version: 1, online: true }, C.MAX_SIGNED_RECORD_BYTES),
    pb('OneTimePreKey', OneTimePreKey, { id: 1, publicKey: randomBytes(32) as Uint8Array<ArrayBuffer> }, 128, null),
    pb('SealedSender', SealedSender, SealedSender.decode(sealed), C.MAX_SEALED_SENDER_BYTES),
    pb('SealedContent', SealedContent, { contentType: 2 }, C.MAX_SEALED_SENDER_BYTES, null),
    pb('RatchetMessage', RatchetMessage, RatchetMessage.decode(ratchetMsg), C.MAX_RATCHET_MESSAGE_BYTES),
    pb('PqxdhInitial', PqxdhInitial, PqxdhInitial.decode(initial.bytes), C.MAX_PQXDH_INITIAL_BYTES),
    pb('SenderKeyDistribution', SenderKeyDistribution, SenderKeyDistribution.decode(encodeDistribution(dist)), C.MAX_SENDER_KEY_DISTRIBUTION_BYTES),
    pb('GroupMessage', GroupMessage, GroupMessage.decode(groupMsg), C.MAX_GROUP_MESSAGE_BYTES),
    pb('FileManifest', FileManifest, { version: 1, name: 'a.txt', size: 10, chunks: [{ key: randomBytes(32) as Uint8Array<ArrayBuffer>, hash: randomBytes(32) as Uint8Array<ArrayBuffer>, length: 10 }] }, C.MAX_FILE_MANIFEST_BYTES),
    pb('FileChunk', FileChunk, { version: 1, index: 2, ciphertext: randomBytes(100) as Uint8Array<ArrayBuffer> }, C.MAX_FILE_CHUNK_BYTES),
    pb('ClientRequest', ClientRequest, { version: 1, ids: [randomBytes(16) as Uint8Array<ArrayBuffer>] }, 1024 * 1024),
    pb('ClientResponse', ClientResponse, { version: 1, envelopes: [randomBytes(30) as Uint8Array<ArrayBuffer>] }, 1024 * 1024),
    pb('AttachChallenge', AttachChallenge, { version: 1, nonce: randomBytes(32) as Uint8Array<ArrayBuffer> }, 1024),
    pb('AttachRequest', AttachRequest, { version: 1, deviceList: deviceList as Uint8Array<ArrayBuffer> }, 1024 * 1024),
    pb('AttachEvent', AttachEvent, { version: 1, envelope: randomBytes(30) as Uint8Array<ArrayBuffer> }, 1024 * 1024),
    pb('AttachUpdate', AttachUpdate, { version: 1 }, 1024 * 1024),
    { name: 'openRecord', sample: deviceList, limit: C.MAX_SIGNED_RECORD_BYTES, run: (b) => openRecord(b, now) },
    { name: 'openSealedSender', sample: sealed, limit: C.MAX_SEALED_SENDER_BYTES, run: (b) => openSealedSender({ recipientIdentity: bob, bytes: b }) },
    { name: 'decodeRatchetMessage', sample: ratchetMsg, limit: C.MAX_RATCHET_MESSAGE_BYTES, run: decodeRatchetMessage },
    { name: 'deserializeSession', sample: serializeSession(ratchet), run: deserializeSession },
    { name: 'deserializeSessionRecord', sample: serializeSessionRecord(session), run: deserializeSessionRecord },
    { name: 'acceptSession', sample: initial.bytes, limit: C.MAX_PQXDH_INITIAL_BYTES, run: (b) => acceptSession({ identity: bob, store, initialBytes: b }) },
    { name: 'decodeDistribution', sample: encodeDistribution(dist), limit: C.MAX_SENDER_KEY_DISTRIBUTION_BYTES, run: decodeDistribution },
    { name: 'groupDecrypt', sample: groupMsg, limit: C.MAX_GROUP_MESSAGE_BYTES, run: (b) => groupDecrypt(deserializeSenderKeyRecord(serializeSenderKeyRecord(record)), b) },
    { name: 'readGroupMessageHeader', sample: groupMsg, limit: C.MAX_GROUP_MESSAGE_BYTES, run: readGroupMessageHeader },
    { name: 'deserializeSenderKeyState', sample: serializeSenderKeyState(sk), run: deserializeSenderKeyState },
    { name: 'deserializeSenderKeyRecord', sample: serializeSenderKeyRecord(record), run: deserializeSenderKeyRecord },
    { name: 'openWithKey', sample: lsSealed, run: (b) => openWithKey(lsKey, b) },
    { name: 'readLocalStateHeader', sample: lsSealed, run: readLocalStateHeader }
  ]
}

describe('every protocol decoder on hostile bytes', function () {
  this.timeout(120_000)
  const decoders = buildDecoders()

  for (const d of decoders) {
    describe(d.name, () => {
      it('accepts its own valid sample', () => {
        assert.equal(typedOnly(d, d.sample), undefined)
      })

      it('returns a value or a typed error for random bytes', () => {
        fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), (bytes) => { typedOnly(d, bytes) }), { numRuns: 150 })
      })

      it('returns a typed error for every truncation of a valid encoding', () => {
        const step = Math.max(1, Math.floor(d.sample.byteLength / 200))
        for (let n = 0; n < d.sample.byteLength; n += step) {
          const err = typedOnly(d, d.sample.subarray(0, n))
          // a protobuf prefix can be a valid shorter message; a typed outcome is what matters
          if (err !== undefined) assert.ok(RelaymeshError.is(err))
        }
      })

      it('survives random bit flips of a valid encoding', () => {
        fc.assert(fc.property(fc.nat(d.sample.byteLength * 8 - 1), (bit) => {
          const copy = d.sample.slice()
          copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7))
          typedOnly(d, copy)
        }), { numRuns: 100 })
      })

      if (d.limit !== undefined) {
        it('refuses input over its size limit without parsing it', () => {
          const big = new Uint8Array(d.limit! + 1)
          big.set(d.sample.subarray(0, Math.min(d.sample.byteLength, big.byteLength)))
          const err = typedOnly(d, big)
          assert.ok(err !== undefined, 'oversized input must be refused')
          assert.equal(err.code, ErrorCode.Decode)
        })
      }
    })
  }
})
