// This device's prekeys (PQXDH §3.2): the signed X25519 prekey and the
// signed ML-KEM-768 last-resort prekey, rotated every SIGNED_PREKEY_ROTATE_MS
// with the previous ones kept for SIGNED_PREKEY_GRACE_MS (messages already in
// flight still name them), and a pool of one-time prekeys. One-time prekey ids
// come from a persisted counter that only grows, and every one-time prekey is
// SENT at most once: the ids of an upload are marked sent, on disk, before it
// leaves, so an upload whose answer is lost is never sent again (its keys may
// or may not be on the replicas; the node's count on the next attach says how
// many remain, and fresh ids fill the pool up). Kept in memory after load,
// because acceptSession reads prekeys synchronously.
import {
  buildPreKeyBundle, generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey, oneTimePreKeyPublic,
  type KemPreKeyRecord, type OneTimePreKeyRecord, type SignedPreKeyRecord
} from '../../protocol/keys.js'
import { encode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { OneTimePreKey } from '../../protocol/pb/records.js'
import { RecordKind } from '../../protocol/constants.js'
import { signRecord } from '../../protocol/records.js'
import type { PreKeyStore } from '../../protocol/crypto/session.js'
import type { Ed25519KeyPair } from '../../protocol/crypto/primitives.js'
import { DAY_MS } from '../device.js'
import { PREFIX, idKey } from '../store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from '../store/sealed-store.js'
import { b64, unb64 } from '../util/bytes.js'

export const ONE_TIME_POOL = 100
/** the low-water mark: refill (to ONE_TIME_POOL) when fewer than this many are left on the mesh */
export const ONE_TIME_LOW = 50
/**
 * one-time private keys kept at most (ten pools); beyond it the lowest ids go:
 * the replicas hand out the lowest id first, so those are the ones lost with an
 * upload whose answer was lost or a replica that left
 */
export const MAX_LOCAL_ONE_TIME = 10 * ONE_TIME_POOL
export const SIGNED_PREKEY_ROTATE_MS = 7 * DAY_MS
export const SIGNED_PREKEY_GRACE_MS = 14 * DAY_MS
/** a published bundle lives this long; re-signed when the signed prekey rotates, when the mesh lacks it, or once it is older than SIGNED_PREKEY_ROTATE_MS */
export const BUNDLE_TTL_MS = 30 * DAY_MS

interface Counters {
  v: 1
  nextOneTimeId: number
  /** one-time prekeys with an id <= this have been sent in an upload, answered or not (never send them again) */
  uploadedUpTo: number
  /** one-time prekeys believed to be on the mesh (corrected by the node's count on attach and by every upload answer) */
  remoteEstimate: number
  nextSignedId: number
  currentSignedId: number
  currentKemId: number
  bundleSeq: number
}

interface KeyJson { id: number, pub: string, priv: string, sig?: string, createdAt?: number, replacedAt?: number }

export class PreKeys {
  private readonly signed = new Map<number, SignedPreKeyRecord & { replacedAt?: number }>()
  private readonly kem = new Map<number, KemPreKeyRecord & { replacedAt?: number }>()
  private readonly oneTime = new Map<number, OneTimePreKeyRecord>()

  private constructor (private readonly store: SealedStore, private readonly identity: Ed25519KeyPair, private counters: Counters) {}

  /** A fresh set for a new device: ops to persist with the identity. */
  static create (store: SealedStore, identity: Ed25519KeyPair, now: number): { prekeys: PreKeys, ops: StoreOp[] } {
    const p = new PreKeys(store, identity, { v: 1, nextOneTimeId: 1, uploadedUpTo: 0, remoteEstimate: 0, nextSignedId: 2, currentSignedId: 1, currentKemId: 1, bundleSeq: now })
    const spk = generateSignedPreKey(identity, 1, now)
    const kem = generateKemPreKey(identity, 1, now)
    p.signed.set(1, spk)
    p.kem.set(1, kem)
    const ops = [p.signedOp(spk), p.kemOp(kem), ...p.generateOneTime(ONE_TIME_POOL), p.countersOp()]
    return { prekeys: p, ops }
  }

  static async load (store: SealedStore, identity: Ed25519KeyPair): Promise<PreKeys> {
    const counters = await store.getJson<Counters>(PREFIX.counters)
    if (counters?.v !== 1) throw new RelaymeshError(ErrorCode.InvalidState, 'local store corrupted: the prekey counters are missing or malformed (restore the home folder from a backup)')
    const p = new PreKeys(store, identity, counters)
    for await (const [key, value] of store.range(PREFIX.signedPreKey)) {
      const j = parseJson<KeyJson>(key, value)
      p.signed.set(j.id, { id: j.id, keyPair: { publicKey: unb64(j.pub), privateKey: unb64(j.priv) }, signature: unb64(j.sig ?? ''), createdAt: j.createdAt ?? 0, ...(j.replacedAt !== undefined ? { replacedAt: j.replacedAt } : {}) })
    }
    for await (const [key, value] of store.range(PREFIX.kemPreKey)) {
      const j = parseJson<KeyJson>(key, value)
      p.kem.set(j.id, { id: j.id, keyPair: { publicKey: unb64(j.pub), secretKey: unb64(j.priv) }, signature: unb64(j.sig ?? ''), createdAt: j.createdAt ?? 0, ...(j.replacedAt !== undefined ? { replacedAt: j.replacedAt } : {}) })
    }
    for await (const [key, value] of store.range(PREFIX.oneTimePreKey)) {
      const j = parseJson<KeyJson>(key, value)
      p.oneTime.set(j.id, { id: j.id, keyPair: { publicKey: unb64(j.pub), privateKey: unb64(j.priv) } })
    }
    return p
  }

  private countersOp (): StoreOp {
    return this.store.jsonOp(PREFIX.counters, this.counters)
  }

  private signedOp (k: SignedPreKeyRecord & { replacedAt?: number }): StoreOp {
    return this.store.jsonOp(idKey(PREFIX.signedPreKey, k.id), { id: k.id, pub: b64(k.keyPair.publicKey), priv: b64(k.keyPair.privateKey), sig: b64(k.signature), createdAt: k.createdAt, replacedAt: k.replacedAt })
  }

  private kemOp (k: KemPreKeyRecord & { replacedAt?: number }): StoreOp {
    return this.store.jsonOp(idKey(PREFIX.kemPreKey, k.id), { id: k.id, pub: b64(k.keyPair.publicKey), priv: b64(k.keyPair.secretKey), sig: b64(k.signature), createdAt: k.createdAt, replacedAt: k.replacedAt })
  }

  /** New one-time prekeys (kept in memory; persist the returned ops before uploading them). */
  private generateOneTime (count: number): StoreOp[] {
    const keys = generateOneTimePreKeys(this.counters.nextOneTimeId, count)
    this.counters.nextOneTimeId += count
    return keys.map((k) => {
      this.oneTime.set(k.id, k)
      return this.store.jsonOp(idKey(PREFIX.oneTimePreKey, k.id), { id: k.id, pub: b64(k.keyPair.publicKey), priv: b64(k.keyPair.privateKey) })
    })
  }

  /** seq of the latest bundle this device signed */
  get bundleSeq (): number {
    return this.counters.bundleSeq
  }

  get currentSignedPreKey (): SignedPreKeyRecord {
    return this.signed.get(this.counters.currentSignedId) as SignedPreKeyRecord
  }

  get oneTimeCount (): number {
    return this.oneTime.size
  }

  /** For acceptSession: lookups by id; removals are collected for the caller's batch (takeRemovals). */
  source (): PreKeyStore & { takeRemovals: () => StoreOp[] } {
    let removed: number[] = []
    return {
      signedPreKey: (id) => this.signed.get(id),
      kemPreKey: (id) => this.kem.get(id),
      oneTimePreKey: (id) => this.oneTime.get(id),
      removeOneTimePreKey: (id) => { removed.push(id) },
      takeRemovals: () => {
        const ops: StoreOp[] = removed.map((id) => ({ type: 'del', key: idKey(PREFIX.oneTimePreKey, id) }))
        for (const id of removed) this.oneTime.delete(id)
        if (removed.length > 0) {
          this.counters.remoteEstimate = Math.max(0, this.counters.remoteEstimate - removed.length)
          ops.push(this.countersOp())
        }
        removed = []
        return ops
      }
    }
  }

  /**
   * Rotate the signed prekeys when due and drop the ones past their grace
   * period. Returns the ops to persist (empty when nothing changed); the
   * caller republishes the bundle when `rotated`.
   */
  rotateIfDue (now: number): { ops: StoreOp[], rotated: boolean } {
    const ops: StoreOp[] = []
    let rotated = false
    const current = this.currentSignedPreKey
    if (now - current.createdAt >= SIGNED_PREKEY_ROTATE_MS) {
      const id = this.counters.nextSignedId
      const spk = generateSignedPreKey(this.identity, id, now)
      const kem = generateKemPreKey(this.identity, id, now)
      const oldSpk = this.signed.get(this.counters.currentSignedId)
      const oldKem = this.kem.get(this.counters.currentKemId)
      if (oldSpk !== undefined) { oldSpk.replacedAt = now; ops.push(this.signedOp(oldSpk)) }
      if (oldKem !== undefined) { oldKem.replacedAt = now; ops.push(this.kemOp(oldKem)) }
      this.signed.set(id, spk)
      this.kem.set(id, kem)
      this.counters.nextSignedId = id + 1
      this.counters.currentSignedId = id
      this.counters.currentKemId = id
      ops.push(this.signedOp(spk), this.kemOp(kem), this.countersOp())
      rotated = true
    }
    for (const [map, prefix] of [[this.signed, PREFIX.signedPreKey], [this.kem, PREFIX.kemPreKey]] as const) {
      for (const [id, k] of map) {
        if (k.replacedAt !== undefined && now - k.replacedAt >= SIGNED_PREKEY_GRACE_MS) {
          map.delete(id)
          ops.push({ type: 'del', key: idKey(prefix, id) })
        }
      }
    }
    return { ops, rotated }
  }

  /** The signed bundle to publish (a new seq every time). Persist the returned op. */
  signBundle (deviceId: number, now: number): { record: Uint8Array, op: StoreOp } {
    this.counters.bundleSeq = Math.max(this.counters.bundleSeq + 1, now)
    const body = buildPreKeyBundle({
      identity: this.identity,
      deviceId,
      seq: this.counters.bundleSeq,
      expiresAt: now + BUNDLE_TTL_MS,
      signedPreKey: this.currentSignedPreKey,
      kemPreKey: this.kem.get(this.counters.currentKemId) as KemPreKeyRecord
    })
    return { record: signRecord(this.identity, { kind: RecordKind.PreKeyBundle, body }), op: this.countersOp() }
  }

  /**
   * What to upload now: keys generated but never sent, plus fresh ones when
   * the mesh holds fewer than ONE_TIME_LOW (`reportedRemaining`: the node's
   * count, else the estimate). The returned ops mark every planned id as sent:
   * persist them (synced) BEFORE the upload leaves; then call uploaded().
   */
  planUpload (reportedRemaining?: number): { keys: Uint8Array[], ops: StoreOp[] } {
    const ops: StoreOp[] = []
    if (reportedRemaining !== undefined) this.counters.remoteEstimate = reportedRemaining
    const pendingIds = (): number[] => [...this.oneTime.keys()].filter((id) => id > this.counters.uploadedUpTo)
    const believed = this.counters.remoteEstimate + pendingIds().length
    if (believed < ONE_TIME_LOW) ops.push(...this.generateOneTime(ONE_TIME_POOL - believed))
    const ids = pendingIds().sort((a, b) => a - b)
    ops.push(...this.prune())
    if (ids.length > 0) this.counters.uploadedUpTo = ids[ids.length - 1] as number
    if (ops.length > 0 || ids.length > 0) ops.push(this.countersOp())
    const keys = ids.map((id) => encode(OneTimePreKey, oneTimePreKeyPublic(this.oneTime.get(id) as OneTimePreKeyRecord)))
    return { keys, ops }
  }

  /** Drop the lowest ids beyond MAX_LOCAL_ONE_TIME (never one not sent yet). */
  private prune (): StoreOp[] {
    if (this.oneTime.size <= MAX_LOCAL_ONE_TIME) return []
    const sent = [...this.oneTime.keys()].filter((id) => id <= this.counters.uploadedUpTo).sort((a, b) => a - b)
    return sent.slice(0, this.oneTime.size - MAX_LOCAL_ONE_TIME).map((id) => {
      this.oneTime.delete(id)
      return { type: 'del', key: idKey(PREFIX.oneTimePreKey, id) }
    })
  }

  /** After an upload was answered: the node's count corrects the estimate. */
  uploaded (remaining: number): StoreOp {
    this.counters.remoteEstimate = remaining
    return this.countersOp()
  }

  get remoteEstimate (): number {
    return this.counters.remoteEstimate
  }
}
