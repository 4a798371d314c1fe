// The relaymesh side of `npm run bench:crypto`: protocol/crypto/session.ts
// (PQXDH with ML-KEM-768 + Double Ratchet) through its public API, doing the
// same work as the libsignal side: bundle bytes are decoded, both prekey
// signatures verified, every message goes through its wire bytes and is
// decrypted by the other party. Sessions are live objects, as libsignal's
// SessionRecords are in its in-memory stores.
// The PQ ratchet (SPQR beside the Double Ratchet) is switchable:
// 'default' runs what session.ts does by default, 'on' / 'off' ask for
// pqRatchetVersion 1 / 0 at session start (a build without the PQ ratchet
// ignores the option). Which mode actually ran is found by looking at the
// messages (RatchetMessage.pq_ratchet), and 'on' on a build that did not run
// it is an error, never a figure.
import { ContentType, MAX_SIGNED_RECORD_BYTES } from '../../protocol/constants.js'
import { decode, encode } from '../../protocol/codec.js'
import {
  buildPreKeyBundle, generateIdentityKeyPair, generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey,
  oneTimePreKeyPublic, verifyPreKeyBundle, type KemPreKeyRecord, type OneTimePreKeyRecord, type SignedPreKeyRecord
} from '../../protocol/keys.js'
import { OneTimePreKey, PreKeyBundle } from '../../protocol/pb/records.js'
import { RatchetMessage } from '../../protocol/pb/ratchet.js'
import { createRatchetKeyPool, type RatchetKeyPool } from '../../protocol/crypto/ratchet-key-pool.js'
import type { RatchetKeySource } from '../../protocol/crypto/double-ratchet.js'
import { mlkemBackendName, type Ed25519KeyPair } from '../../protocol/crypto/primitives.js'
import {
  acceptSession, decryptMessage, encryptMessage, startSession, type PreKeyStore, type Session
} from '../../protocol/crypto/session.js'
import { assertSame, runUntilSync, type Scenario, type TimedBatch } from './crypto-harness.js'
import { count, newWireTallies, type Contender, type ContenderInfo, type PqRatchetProbe, type WireTally } from './crypto-contender.js'

export type PqRatchetMode = 'default' | 'on' | 'off'
export const PQ_RATCHET_MODES: readonly PqRatchetMode[] = ['default', 'on', 'off']

/** session-start options for a mode; spread into the init objects (a build without the option ignores it) */
type PqOption = Record<string, never> | { pqRatchetVersion: 0 | 1 }
let pqOption: PqOption = {}
function setPqMode (mode: PqRatchetMode): void {
  pqOption = mode === 'default' ? {} : { pqRatchetVersion: mode === 'on' ? 1 : 0 }
}

/** A one-time prekey on the wire is tiny; anything near this is malformed. */
const MAX_ONE_TIME_PRE_KEY_BYTES = 64
const NOW = Date.now()
const DEVICE_ID = 1

function payload (size: number): Uint8Array {
  const b = new Uint8Array(size)
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(size, i + 65536)))
  return b
}

// ------------------------------------------------------------------ Bob's keys and store

interface BobKeys {
  identity: Ed25519KeyPair
  signed: SignedPreKeyRecord
  kem: KemPreKeyRecord
  /** encoded PreKeyBundle, as a sender fetches it */
  bundleBytes: Uint8Array
}

function newBobKeys (): BobKeys {
  const identity = generateIdentityKeyPair()
  const signed = generateSignedPreKey(identity, 1, NOW)
  const kem = generateKemPreKey(identity, 1, NOW)
  const bundle = buildPreKeyBundle({ identity, deviceId: DEVICE_ID, seq: 1, expiresAt: NOW + 86_400_000, signedPreKey: signed, kemPreKey: kem, ...pqOption })
  return { identity, signed, kem, bundleBytes: encode(PreKeyBundle, bundle) }
}

class MemPreKeyStore implements PreKeyStore {
  readonly oneTime = new Map<number, OneTimePreKeyRecord>()
  constructor (private readonly keys: BobKeys) {}
  signedPreKey = (id: number): SignedPreKeyRecord | undefined => id === this.keys.signed.id ? this.keys.signed : undefined
  kemPreKey = (id: number): KemPreKeyRecord | undefined => id === this.keys.kem.id ? this.keys.kem : undefined
  oneTimePreKey = (id: number): OneTimePreKeyRecord | undefined => this.oneTime.get(id)
  removeOneTimePreKey = (id: number): void => { this.oneTime.delete(id) }
}

/** Generates `n` one-time prekeys into Bob's store; returns them encoded, as a mailbox replica hands them out. */
function issueOneTimePreKeys (store: MemPreKeyStore, startId: number, n: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const k of generateOneTimePreKeys(startId, n)) {
    store.oneTime.set(k.id, k)
    out.push(encode(OneTimePreKey, oneTimePreKeyPublic(k)))
  }
  return out
}

/**
 * Bundle bytes -> PQXDH -> first message on the wire -> Bob accepts and decrypts.
 * Returns both sessions and the wire bytes of the first message.
 */
function establish (alice: Ed25519KeyPair, bob: BobKeys, store: MemPreKeyStore, otkBytes: Uint8Array,
  first: Uint8Array, aliceKeys?: RatchetKeySource, bobKeys?: RatchetKeySource): { alice: Session, bob: Session, wire: Uint8Array } {
  // Both prekey signatures are verified here, once, as records.ts openRecord
  // does in real use (libsignal: once, in processPreKeyBundle); startSession
  // sees a VerifiedPreKeyBundle and does not repeat them.
  const bundle = verifyPreKeyBundle(decode(PreKeyBundle, bob.bundleBytes, MAX_SIGNED_RECORD_BYTES, 'PreKeyBundle'))
  const oneTimePreKey = decode(OneTimePreKey, otkBytes, MAX_ONE_TIME_PRE_KEY_BYTES, 'OneTimePreKey', null)
  const a = startSession({ identity: alice, deviceId: DEVICE_ID, bundle, oneTimePreKey, keys: aliceKeys, ...pqOption })
  const ct = encryptMessage(a, first)
  if (ct.contentType !== ContentType.PreKey) throw new Error('relaymesh: first message is not a PreKey message')
  const accepted = acceptSession({ identity: bob.identity, store, initialBytes: ct.bytes, keys: bobKeys, ...pqOption })
  assertSame(accepted.plaintext, first, 'relaymesh setup')
  return { alice: a, bob: accepted.session, wire: ct.bytes }
}

// ------------------------------------------------------------------ a confirmed session for message benchmarks

interface Pair {
  alice: Session
  bob: Session
  /** each device's own ratchet key pool; unused (left empty) in the inline variant */
  alicePool: RatchetKeyPool
  bobPool: RatchetKeyPool
}

/** Room for any round: the pool is filled to what the round needs, never beyond. */
const POOL_CAPACITY = 1_000_000

function confirmedPair (): Pair {
  const keys = newBobKeys()
  const store = new MemPreKeyStore(keys)
  const [otk] = issueOneTimePreKeys(store, 1, 1)
  const alicePool = createRatchetKeyPool(POOL_CAPACITY)
  const bobPool = createRatchetKeyPool(POOL_CAPACITY)
  const s = establish(generateIdentityKeyPair(), keys, store, otk as Uint8Array, payload(32), alicePool, bobPool)
  const pair: Pair = { alice: s.alice, bob: s.bob, alicePool, bobPool }
  // Bob answers once, so Alice's next messages are bare RatchetMessages (no PQXDH header) as in a running chat.
  oneWay(pair.bob, pair.alice, payload(32), alicePool)
  return pair
}

function send (from: Session, to: Session, p: Uint8Array, toKeys?: RatchetKeySource): Uint8Array {
  const ct = encryptMessage(from, p)
  if (ct.contentType !== ContentType.Ratchet) throw new Error('relaymesh: expected a RatchetMessage')
  // ct.bytes is what goes on the wire; decryptMessage decodes it (bounded) as a receiver would.
  const pt = decryptMessage(to, ct.contentType, ct.bytes, toKeys)
  assertSame(pt, p, 'relaymesh')
  return ct.bytes
}

/** One message; returns its size on the wire (the encoded RatchetMessage). */
function oneWay (from: Session, to: Session, p: Uint8Array, toKeys?: RatchetKeySource, tally?: WireTally): number {
  const n = send(from, to, p, toKeys).byteLength
  if (tally !== undefined) count(tally, n, p.byteLength)
  return n
}

/** A short conversation on a fresh session (ping-pong, then one way): how many messages carry SPQR data. */
function probePqRatchet (requested: PqRatchetMode): PqRatchetProbe {
  const { alice, bob } = confirmedPair()
  const p = payload(256)
  let messages = 0
  let withPqData = 0
  for (let i = 0; i < 64; i++) {
    const wire = i < 32 && (i & 1) === 1 ? send(bob, alice, p) : send(alice, bob, p)
    // pq_ratchet is unknown to (and skipped by) a build without the PQ ratchet
    const pq = (RatchetMessage.decode(wire) as RatchetMessage & { pqRatchet?: Uint8Array }).pqRatchet
    messages++
    if (pq !== undefined && pq.byteLength > 0) withPqData++
  }
  return { mode: withPqData > 0 ? 'on' : 'off', messages, withPqData, requested }
}

function onSession (prepare: (pair: Pair, n: number) => void, op: (pair: Pair) => void): Scenario {
  let pair: Pair | undefined
  return {
    prepare: async (n: number): Promise<TimedBatch> => {
      const p = pair ?? (pair = confirmedPair())
      prepare(p, n)
      return async (deadline) => runUntilSync(n, deadline, () => op(p))
    }
  }
}

function streaming (size: number, tally: WireTally): Scenario {
  const p = payload(size)
  return onSession(() => {}, ({ alice, bob }) => { oneWay(alice, bob, p, undefined, tally) })
}

/**
 * Ping-pong: the direction changes every message, so every decrypt is a DH
 * ratchet step (Double Ratchet §3.5) needing a fresh key pair. `pooled`:
 * each device's pool is refilled before the round, outside the clock, as a
 * client does in idle time between messages; otherwise keys are generated
 * inline on the message path, as libsignal does.
 */
function pingPong (pooled: boolean, tally: WireTally): Scenario {
  const p = payload(256)
  let turn = 0 // kept across batches so the direction alternates even when a batch size is odd
  return onSession((pair, n) => {
    if (!pooled) return
    // Each side decrypts about n/2 messages of the round, each taking one key pair.
    const need = Math.ceil(n / 2) + 1
    pair.alicePool.refill(Math.max(0, need - pair.alicePool.available))
    pair.bobPool.refill(Math.max(0, need - pair.bobPool.available))
  }, ({ alice, bob, alicePool, bobPool }) => {
    if ((turn++ & 1) === 0) oneWay(alice, bob, p, pooled ? bobPool : undefined, tally)
    else oneWay(bob, alice, p, pooled ? alicePool : undefined, tally)
  })
}

// ------------------------------------------------------------------ the contender

export async function relaymeshContender (opts: { pqRatchet?: PqRatchetMode } = {}): Promise<Contender> {
  const requested = opts.pqRatchet ?? 'default'
  setPqMode(requested)
  const pqRatchet = probePqRatchet(requested)
  if (requested === 'on' && pqRatchet.mode !== 'on') {
    throw new Error('relaymesh: the PQ ratchet was asked for (on) but its messages carry no SPQR data: this build has no PQ ratchet')
  }
  if (requested === 'off' && pqRatchet.mode !== 'off') throw new Error('relaymesh: the PQ ratchet was turned off but its messages carry SPQR data')
  const wire = newWireTallies()
  const first = payload(64)
  // pooled: EK_A and both sides' first ratchet key pairs come from pools
  // filled outside the clock, as a client does in idle time (like ping-pong's headline)
  const setupScenario = (pooled: boolean): Scenario => ({
    prepare: async (n: number): Promise<TimedBatch> => {
      // Fresh parties per batch; one Bob serving n different senders, each with its own one-time prekey.
      const bob = newBobKeys()
      const store = new MemPreKeyStore(bob)
      const otks = issueOneTimePreKeys(store, 1, n)
      const alice = generateIdentityKeyPair()
      const alicePool = pooled ? createRatchetKeyPool(2 * n) : undefined
      const bobPool = pooled ? createRatchetKeyPool(n) : undefined
      alicePool?.refill()
      bobPool?.refill()
      return async (deadline) => {
        const ran = runUntilSync(n, deadline, (i) => { establish(alice, bob, store, otks[i] as Uint8Array, first, alicePool, bobPool) })
        if (store.oneTime.size !== n - ran) throw new Error('relaymesh: one-time prekeys were not consumed')
        return ran
      }
    }
  })
  const setup = setupScenario(false)

  // Sizes on the wire, measured once on throwaway sessions.
  const probe = confirmedPair()
  const wire256 = oneWay(probe.alice, probe.bob, payload(256))
  const keys = newBobKeys()
  const store = new MemPreKeyStore(keys)
  const pre = establish(generateIdentityKeyPair(), keys, store, issueOneTimePreKeys(store, 1, 1)[0] as Uint8Array, payload(256))
  const info: ContenderInfo = {
    kem: mlkemBackendName === 'node' ? 'ML-KEM-768 (native: node:crypto, OpenSSL)' : 'ML-KEM-768 (@noble/post-quantum, prepared keys cached)',
    kemPublicKeyBytes: keys.kem.keyPair.publicKey.byteLength,
    preKeyMessageBytes256: pre.wire.byteLength,
    messageBytes256: wire256,
    pqRatchet
  }
  return {
    name: 'relaymesh',
    info,
    wire,
    setup,
    setupPooled: setupScenario(true),
    pingPong: pingPong(true, wire.pingPong),
    pingPongInline: pingPong(false, wire.pingPong),
    streaming: streaming(256, wire.streaming),
    throughput: streaming(16 * 1024, wire.throughput)
  }
}
