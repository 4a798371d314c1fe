// `node dist/scripts/bench-ack-proof.js`: what checking the device's proof
// costs a node per deletion (docs/protocol.md). A replica checks
// every ACK it is sent (a device's, or a tombstone handed over) before it
// deletes: the device list is opened through the node's RecordCache (the
// same list comes with every ack of a user: verified once while cached),
// the device's Ed25519 signature over the ids is checked every time, and the
// proof is encoded and hashed to be kept with the tombstones. Prints µs per
// ACK request and per deleted id, median of 7 rounds; `--json` adds one JSON
// object on the last line.
import { ackSignaturePayload } from '../protocol/client-protocol.js'
import { RecordKind, WIRE_VERSION } from '../protocol/constants.js'
import { ed25519GenerateKeyPair, ed25519Sign } from '../protocol/crypto/primitives.js'
import { mailboxAddress } from '../protocol/identity.js'
import { RecordCache, signRecord } from '../protocol/records.js'
import { randomBytes } from 'node:crypto'
import { storedProof, verifyAckEvidence } from '../node/mailbox/ack-proof.js'

interface Row { case: string, ids: number, usPerAck: number, usPerId: number }

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

const identity = ed25519GenerateKeyPair()
const deviceKey = ed25519GenerateKeyPair()
const deviceList = signRecord(identity, {
  kind: RecordKind.DeviceList,
  body: { version: WIRE_VERSION, identityKey: identity.publicKey as Uint8Array<ArrayBuffer>, seq: 1, expiresAt: Date.now() + 3600_000, devices: [{ deviceId: 1, deviceKey: deviceKey.publicKey as Uint8Array<ArrayBuffer> }] }
})
const mailbox = mailboxAddress(identity.publicKey, 1)

function measure (name: string, n: number, cold: boolean, store: boolean): Row {
  const ids = Array.from({ length: n }, () => new Uint8Array(randomBytes(16)))
  const evidence = { signature: ed25519Sign(deviceKey.privateKey, ackSignaturePayload(mailbox, ids)), deviceList, deviceId: 1 }
  const warm = new RecordCache()
  const iterations = Math.max(200, Math.round(20_000 / n))
  const rounds: number[] = []
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) {
      verifyAckEvidence(mailbox, ids, evidence, Date.now(), cold ? new RecordCache() : warm)
      if (store) storedProof(ids, evidence)
    }
    rounds.push(Number(process.hrtime.bigint() - t0) / 1000 / iterations)
  }
  const us = median(rounds)
  return { case: name, ids: n, usPerAck: Math.round(us * 10) / 10, usPerId: Math.round(us / n * 100) / 100 }
}

// warm up (JIT, the key imports)
measure('warm-up', 16, true, true)
const rows: Row[] = []
for (const n of [1, 16, 256, 1024]) {
  rows.push(measure('verify, device list cached', n, false, false))
  rows.push(measure('verify + keep proof (encode, sha256), cached', n, false, true))
  rows.push(measure('verify, device list not cached', n, true, false))
}
for (const r of rows) process.stdout.write(`${r.case.padEnd(48)} ${String(r.ids).padStart(5)} ids  ${String(r.usPerAck).padStart(8)} µs/ack  ${String(r.usPerId).padStart(7)} µs/id\n`)
if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ node: process.version, rows }) + '\n')
