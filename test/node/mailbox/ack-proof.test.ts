import { strict as assert } from 'node:assert'
import { ackSignaturePayload } from '../../../protocol/client-protocol.js'
import { RecordKind, WIRE_VERSION } from '../../../protocol/constants.js'
import { ed25519GenerateKeyPair, ed25519Sign, randomBytes } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { mailboxAddress } from '../../../protocol/identity.js'
import { RecordCache, signRecord } from '../../../protocol/records.js'
import { deviceIdFor, verifyAckEvidence } from '../../../node/mailbox/ack-proof.js'

type AB = Uint8Array<ArrayBuffer>
const ab = (b: Uint8Array): AB => b as AB
const isCode = (code: ErrorCode) => (err: unknown): boolean => RelaymeshError.is(err, code)

const NOW = 1_800_000_000_000
const DAY = 24 * 60 * 60 * 1000

describe('node/mailbox/ack-proof with a RecordCache', () => {
  const identity = ed25519GenerateKeyPair()
  const device = ed25519GenerateKeyPair()
  const expiresAt = NOW + DAY
  const deviceList = signRecord(identity, {
    kind: RecordKind.DeviceList,
    body: { version: WIRE_VERSION, identityKey: ab(identity.publicKey), seq: 1, expiresAt, devices: [{ deviceId: 2, deviceKey: ab(device.publicKey) }] }
  })
  const mailbox = mailboxAddress(identity.publicKey, 2)
  const ack = (ids: Uint8Array[]): { signature: Uint8Array, deviceList: Uint8Array, deviceId: number } =>
    ({ signature: ed25519Sign(device.privateKey, ackSignaturePayload(mailbox, ids)), deviceList, deviceId: 2 })

  it('checks every ack\'s own signature though the device list is verified once', () => {
    const records = new RecordCache(4)
    const ids = [randomBytes(16)]
    assert.equal(deviceIdFor(deviceList, mailbox, NOW, records), 2)
    verifyAckEvidence(mailbox, ids, ack(ids), NOW, records)
    verifyAckEvidence(mailbox, ids, ack(ids), NOW, records)
    assert.equal(records.hits, 2)
    // signed for other ids, or not by the device: refused although the list came from memory
    assert.throws(() => { verifyAckEvidence(mailbox, [randomBytes(16)], ack(ids), NOW, records) }, isCode(ErrorCode.BadSignature))
    const forged = { ...ack(ids), signature: ed25519Sign(ed25519GenerateKeyPair().privateKey, ackSignaturePayload(mailbox, ids)) }
    assert.throws(() => { verifyAckEvidence(mailbox, ids, forged, NOW, records) }, isCode(ErrorCode.BadSignature))
    assert.throws(() => { verifyAckEvidence(randomBytes(32), ids, ack(ids), NOW, records) }, isCode(ErrorCode.Unauthorized))
  })

  it('refuses evidence whose cached device list has expired since', () => {
    const records = new RecordCache(4)
    const ids = [randomBytes(16)]
    verifyAckEvidence(mailbox, ids, ack(ids), NOW, records)
    assert.equal(records.size, 1)
    assert.throws(() => { verifyAckEvidence(mailbox, ids, ack(ids), expiresAt, records) }, isCode(ErrorCode.Expired))
    assert.throws(() => { deviceIdFor(deviceList, mailbox, expiresAt + 1, records) }, isCode(ErrorCode.Expired))
  })
})
