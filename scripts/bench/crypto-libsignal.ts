// The libsignal side of `npm run bench:crypto`: @signalapp/libsignal-client
// (Rust behind N-API) driven only through its public API, with the smallest
// in-memory stores its abstract store classes allow (live objects in Maps, no
// serialization, every identity trusted), so what we time is libsignal itself.
// libsignal 0.103 runs SPQR (its post-quantum ratchet) on every session: there
// is no switch in its Node API (processPreKeyBundle takes the bundle, the two
// addresses, the two stores and the time; a Kyber prekey in the bundle is
// required), so the contender runs with it, and the probe below checks that
// its messages do carry SPQR data (SignalMessage.pqRatchet()).
import {
  IdentityChange,
  IdentityKeyPair,
  IdentityKeyStore,
  KEMKeyPair,
  KEMPublicKey,
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyBundle,
  PreKeyRecord,
  PreKeySignalMessage,
  PreKeyStore,
  PrivateKey,
  ProtocolAddress,
  PublicKey,
  SessionRecord,
  SessionStore,
  SignalMessage,
  SignedPreKeyRecord,
  SignedPreKeyStore,
  CiphertextMessageType,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt
} from '@signalapp/libsignal-client'
import { assertSame, runUntil, type Scenario, type TimedBatch } from './crypto-harness.js'
import { count, newWireTallies, type Contender, type ContenderInfo, type PqRatchetProbe, type WireTally } from './crypto-contender.js'

type Bytes = Uint8Array<ArrayBuffer>

function payload (size: number): Bytes {
  const b = new Uint8Array(size)
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(size, i + 65536)))
  return b
}

// ------------------------------------------------------------------ stores

class MemSessionStore extends SessionStore {
  private readonly sessions = new Map<string, SessionRecord>()
  override async saveSession (address: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.sessions.set(address.toString(), record)
  }

  override async getSession (address: ProtocolAddress): Promise<SessionRecord | null> {
    return this.sessions.get(address.toString()) ?? null
  }

  override async getExistingSessions (addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    return addresses.map((a) => {
      const r = this.sessions.get(a.toString())
      if (r === undefined) throw new Error(`no session for ${a.toString()}`)
      return r
    })
  }
}

class MemIdentityStore extends IdentityKeyStore {
  private readonly known = new Map<string, PublicKey>()
  constructor (private readonly pair: IdentityKeyPair, private readonly registrationId: number) { super() }
  override async getIdentityKey (): Promise<PrivateKey> { return this.pair.privateKey }
  // The base class recomputes the public key (a scalar multiplication) on every call; a real app caches the pair.
  override async getIdentityKeyPair (): Promise<IdentityKeyPair> { return this.pair }
  override async getLocalRegistrationId (): Promise<number> { return this.registrationId }
  override async saveIdentity (name: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    this.known.set(name.toString(), key)
    return IdentityChange.NewOrUnchanged
  }

  override async isTrustedIdentity (): Promise<boolean> { return true }
  override async getIdentity (name: ProtocolAddress): Promise<PublicKey | null> {
    return this.known.get(name.toString()) ?? null
  }
}

class MemPreKeyStore extends PreKeyStore {
  readonly keys = new Map<number, PreKeyRecord>()
  override async savePreKey (id: number, record: PreKeyRecord): Promise<void> { this.keys.set(id, record) }
  override async getPreKey (id: number): Promise<PreKeyRecord> {
    const r = this.keys.get(id)
    if (r === undefined) throw new Error(`no prekey ${id}`)
    return r
  }

  override async removePreKey (id: number): Promise<void> { this.keys.delete(id) }
}

class MemSignedPreKeyStore extends SignedPreKeyStore {
  readonly keys = new Map<number, SignedPreKeyRecord>()
  override async saveSignedPreKey (id: number, record: SignedPreKeyRecord): Promise<void> { this.keys.set(id, record) }
  override async getSignedPreKey (id: number): Promise<SignedPreKeyRecord> {
    const r = this.keys.get(id)
    if (r === undefined) throw new Error(`no signed prekey ${id}`)
    return r
  }
}

class MemKyberPreKeyStore extends KyberPreKeyStore {
  readonly keys = new Map<number, KyberPreKeyRecord>()
  override async saveKyberPreKey (id: number, record: KyberPreKeyRecord): Promise<void> { this.keys.set(id, record) }
  override async getKyberPreKey (id: number): Promise<KyberPreKeyRecord> {
    const r = this.keys.get(id)
    if (r === undefined) throw new Error(`no kyber prekey ${id}`)
    return r
  }

  // Last-resort key: a real store records (signedPreKeyId, baseKey) to refuse reuse; the relaymesh side does no more.
  override async markKyberPreKeyUsed (): Promise<void> {}
}

// ------------------------------------------------------------------ parties

interface Party {
  identity: IdentityKeyPair
  registrationId: number
  sessions: MemSessionStore
  identities: MemIdentityStore
  preKeys: MemPreKeyStore
  signedPreKeys: MemSignedPreKeyStore
  kyberPreKeys: MemKyberPreKeyStore
}

const SIGNED_PRE_KEY_ID = 1
const KYBER_PRE_KEY_ID = 1
const NOW = new Date()

function newParty (identity: IdentityKeyPair, registrationId: number): Party {
  return {
    identity,
    registrationId,
    sessions: new MemSessionStore(),
    identities: new MemIdentityStore(identity, registrationId),
    preKeys: new MemPreKeyStore(),
    signedPreKeys: new MemSignedPreKeyStore(),
    kyberPreKeys: new MemKyberPreKeyStore()
  }
}

/** What a sender fetches for Bob, as bytes (the server's view): parsing it is part of setup. */
interface BundleBytes {
  registrationId: number
  preKeyId: number
  preKey: Bytes
  signedPreKey: Bytes
  signedPreKeySignature: Bytes
  identityKey: Bytes
  kyberPreKey: Bytes
  kyberPreKeySignature: Bytes
}

/** Bob's long-lived keys: identity, signed prekey, Kyber last-resort prekey (generated once, outside the clock). */
interface BobKeys {
  identity: IdentityKeyPair
  registrationId: number
  signed: SignedPreKeyRecord
  kyber: KyberPreKeyRecord
}

function newBobKeys (): BobKeys {
  const identity = IdentityKeyPair.generate()
  const spk = PrivateKey.generate()
  const signed = SignedPreKeyRecord.new(SIGNED_PRE_KEY_ID, NOW.getTime(), spk.getPublicKey(), spk,
    identity.privateKey.sign(spk.getPublicKey().serialize()))
  const kem = KEMKeyPair.generate()
  const kyber = KyberPreKeyRecord.new(KYBER_PRE_KEY_ID, NOW.getTime(), kem,
    identity.privateKey.sign(kem.getPublicKey().serialize()))
  return { identity, registrationId: 4242, signed, kyber }
}

function bobParty (keys: BobKeys): Party {
  const bob = newParty(keys.identity, keys.registrationId)
  bob.signedPreKeys.keys.set(SIGNED_PRE_KEY_ID, keys.signed)
  bob.kyberPreKeys.keys.set(KYBER_PRE_KEY_ID, keys.kyber)
  return bob
}

/** Generates a one-time prekey into Bob's store and returns the bundle a sender would fetch. */
function issueBundle (bob: Party, keys: BobKeys, preKeyId: number): BundleBytes {
  const otk = PrivateKey.generate()
  bob.preKeys.keys.set(preKeyId, PreKeyRecord.new(preKeyId, otk.getPublicKey(), otk))
  return {
    registrationId: keys.registrationId,
    preKeyId,
    preKey: otk.getPublicKey().serialize(),
    signedPreKey: keys.signed.publicKey().serialize(),
    signedPreKeySignature: keys.signed.signature(),
    identityKey: keys.identity.publicKey.serialize(),
    kyberPreKey: keys.kyber.publicKey().serialize(),
    kyberPreKeySignature: keys.kyber.signature()
  }
}

function parseBundle (b: BundleBytes): PreKeyBundle {
  return PreKeyBundle.new(b.registrationId, 1, b.preKeyId, PublicKey.deserialize(b.preKey),
    SIGNED_PRE_KEY_ID, PublicKey.deserialize(b.signedPreKey), b.signedPreKeySignature,
    PublicKey.deserialize(b.identityKey), KYBER_PRE_KEY_ID, KEMPublicKey.deserialize(b.kyberPreKey),
    b.kyberPreKeySignature)
}

/** Alice -> Bob: process the bundle, encrypt, put on the wire, Bob decrypts the PreKeySignalMessage. */
async function establish (alice: Party, bob: Party, aliceAddr: ProtocolAddress, bobAddr: ProtocolAddress,
  bundle: BundleBytes, first: Bytes): Promise<Bytes> {
  await processPreKeyBundle(parseBundle(bundle), bobAddr, aliceAddr, alice.sessions, alice.identities, NOW)
  const ct = await signalEncrypt(first, bobAddr, aliceAddr, alice.sessions, alice.identities, NOW)
  if (ct.type() !== CiphertextMessageType.PreKey) throw new Error('libsignal: first message is not a PreKey message')
  const wire = ct.serialize()
  const pt = await signalDecryptPreKey(PreKeySignalMessage.deserialize(wire), aliceAddr, bobAddr, bob.sessions,
    bob.identities, bob.preKeys, bob.signedPreKeys, bob.kyberPreKeys)
  assertSame(pt, first, 'libsignal setup')
  return wire
}

// ------------------------------------------------------------------ a confirmed session for message benchmarks

interface Pair {
  alice: Party
  bob: Party
  aliceAddr: ProtocolAddress
  bobAddr: ProtocolAddress
}

async function confirmedPair (): Promise<Pair> {
  const keys = newBobKeys()
  const bob = bobParty(keys)
  const alice = newParty(IdentityKeyPair.generate(), 1717)
  const aliceAddr = ProtocolAddress.new('alice', 1)
  const bobAddr = ProtocolAddress.new('bob', 1)
  await establish(alice, bob, aliceAddr, bobAddr, issueBundle(bob, keys, 1), payload(32))
  // Bob answers once, so Alice's next messages are plain SignalMessages (not PreKey messages) as in a running chat.
  await oneWay(bob, alice, bobAddr, aliceAddr, payload(32))
  return { alice, bob, aliceAddr, bobAddr }
}

async function send (from: Party, to: Party, fromAddr: ProtocolAddress, toAddr: ProtocolAddress, p: Bytes): Promise<SignalMessage> {
  const ct = await signalEncrypt(p, toAddr, fromAddr, from.sessions, from.identities, NOW)
  if (ct.type() !== CiphertextMessageType.Whisper) throw new Error('libsignal: expected a SignalMessage')
  const message = SignalMessage.deserialize(ct.serialize())
  const pt = await signalDecrypt(message, fromAddr, toAddr, to.sessions, to.identities)
  assertSame(pt, p, 'libsignal')
  return message
}

/** One message from `from` to `to`; returns its size on the wire (the serialized SignalMessage). */
async function oneWay (from: Party, to: Party, fromAddr: ProtocolAddress, toAddr: ProtocolAddress, p: Bytes, tally?: WireTally): Promise<number> {
  const ct = await signalEncrypt(p, toAddr, fromAddr, from.sessions, from.identities, NOW)
  if (ct.type() !== CiphertextMessageType.Whisper) throw new Error('libsignal: expected a SignalMessage')
  const wire = ct.serialize()
  const pt = await signalDecrypt(SignalMessage.deserialize(wire), fromAddr, toAddr, to.sessions, to.identities)
  assertSame(pt, p, 'libsignal')
  if (tally !== undefined) count(tally, wire.byteLength, p.byteLength)
  return wire.byteLength
}

/** A short conversation on a fresh session (ping-pong, then one way): how many messages carry SPQR data. */
async function probePqRatchet (): Promise<PqRatchetProbe> {
  const { alice, bob, aliceAddr, bobAddr } = await confirmedPair()
  const p = payload(256)
  let messages = 0
  let withPqData = 0
  for (let i = 0; i < 64; i++) {
    const m = i < 32 && (i & 1) === 1
      ? await send(bob, alice, bobAddr, aliceAddr, p)
      : await send(alice, bob, aliceAddr, bobAddr, p)
    messages++
    if (m.pqRatchet().byteLength > 0) withPqData++
  }
  return { mode: withPqData > 0 ? 'on' : 'off', messages, withPqData }
}

/** A scenario running on one session kept for the whole benchmark (created at the first prepare). */
function onSession (op: (pair: Pair) => Promise<unknown>): Scenario {
  let pair: Pair | undefined
  return {
    prepare: async (n: number): Promise<TimedBatch> => {
      const p = pair ?? (pair = await confirmedPair())
      return async (deadline) => await runUntil(n, deadline, async () => await op(p))
    }
  }
}

function streaming (size: number, tally: WireTally): Scenario {
  const p = payload(size)
  return onSession(async ({ alice, bob, aliceAddr, bobAddr }) => await oneWay(alice, bob, aliceAddr, bobAddr, p, tally))
}

// ------------------------------------------------------------------ the contender

export async function libsignalContender (): Promise<Contender> {
  const first = payload(64)
  let batch = 0
  const setup: Scenario = {
    prepare: async (n: number): Promise<TimedBatch> => {
      // Fresh parties per batch (stores do not grow across rounds); one Bob serving n different senders,
      // each bundle with its own one-time prekey, as a server hands them out.
      const keys = newBobKeys()
      const bob = bobParty(keys)
      const alice = newParty(IdentityKeyPair.generate(), 1717)
      const bundles: BundleBytes[] = []
      const aliceAddrs: ProtocolAddress[] = []
      const bobAddrs: ProtocolAddress[] = []
      batch++
      for (let i = 0; i < n; i++) {
        bundles.push(issueBundle(bob, keys, i + 1))
        aliceAddrs.push(ProtocolAddress.new(`alice-${batch}-${i}`, 1))
        bobAddrs.push(ProtocolAddress.new(`bob-${batch}-${i}`, 1))
      }
      return async (deadline) => await runUntil(n, deadline, async (i) =>
        await establish(alice, bob, aliceAddrs[i] as ProtocolAddress, bobAddrs[i] as ProtocolAddress, bundles[i] as BundleBytes, first))
    }
  }
  const wire = newWireTallies()
  const small = payload(256)
  let turn = 0 // kept across batches so the direction alternates even when a batch size is odd
  const pingPong = onSession(async ({ alice, bob, aliceAddr, bobAddr }) =>
    // Direction changes every message, so every decrypt is a DH ratchet step (Double Ratchet §3.5).
    (turn++ & 1) === 0
      ? await oneWay(alice, bob, aliceAddr, bobAddr, small, wire.pingPong)
      : await oneWay(bob, alice, bobAddr, aliceAddr, small, wire.pingPong))

  // Sizes on the wire, measured once on a throwaway session.
  const keys = newBobKeys()
  const probe = await confirmedPair()
  const wire256 = await oneWay(probe.alice, probe.bob, probe.aliceAddr, probe.bobAddr, small)
  const bob = bobParty(keys)
  const preKeyMessage = await establish(newParty(IdentityKeyPair.generate(), 1), bob, ProtocolAddress.new('a', 1),
    ProtocolAddress.new('b', 1), issueBundle(bob, keys, 1), payload(256))
  const info: ContenderInfo = {
    kem: 'Kyber1024 (libsignal KEMKeyPair.generate)',
    kemPublicKeyBytes: keys.kyber.publicKey().serialize().byteLength,
    preKeyMessageBytes256: preKeyMessage.byteLength,
    messageBytes256: wire256,
    pqRatchet: await probePqRatchet()
  }
  return { name: 'libsignal', info, wire, setup, pingPong, streaming: streaming(256, wire.streaming), throughput: streaming(16 * 1024, wire.throughput) }
}
