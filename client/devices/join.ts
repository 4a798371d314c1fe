// The new device's half of linking (docs/protocol.md §8c). It has no
// identity yet, so it cannot attach as the user: it attaches as a throwaway
// identity (one device, a device list that lives LINK_REPLY_TTL_MS), sends
// the sealed request to the first device's mailbox, and waits in the
// throwaway mailbox for the sealed answer with the identity key. Only when
// the answer checks out is the home created (the identity, this device's
// own key and fresh prekeys, contacts); a wrong code, a timeout or any
// failure leaves no home behind and changes nothing anywhere.
import pino, { type Logger } from 'pino'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RecordKind } from '../../protocol/constants.js'
import { ed25519GenerateKeyPair, ed25519PublicFromPrivate, equalBytes, wipe, x25519GenerateKeyPair, type Ed25519KeyPair } from '../../protocol/crypto/primitives.js'
import { mailboxAddress, userIdFromIdentityKey, userIdMatches } from '../../protocol/identity.js'
import { newestRecordOf, openRecord, type VerifiedRecord } from '../../protocol/records.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import { addContact } from '../contacts.js'
import { newProfileKey, signDeviceList, type DeviceCredentials } from '../device.js'
import { PreKeys } from '../keys/prekeys.js'
import { LocalIdentity } from '../local-identity.js'
import { sendSealed, StampBits } from '../transport/sealed-send.js'
import { EnvelopeIds } from '../messaging/envelope-id.js'
import { SealedStore } from '../store/sealed-store.js'
import { storeExists } from '../platform/home-fs.js'
import { ConnectionManager } from '../transport/connection-manager.js'
import type { NodeConnection } from '../transport/node-connection.js'
import { parsePairingCode, type PairingCode } from './pairing-code.js'
import { GroupStore } from '../groups/group-store.js'
import { storeLinkedGroups } from './linked-groups.js'
import { decodeProvisioning, isProvisioning, openLinkResponse, ProvisioningKind, sealLinkRequest, type LinkResponse } from './provisioning.js'

/** the throwaway identity's device list lives this long (it only has to outlive the wait) */
export const LINK_REPLY_TTL_MS = 60 * 60 * 1000
/** how long `devices join` waits for the first device by default */
export const JOIN_WAIT_MS = 2 * 60 * 1000
/** the throwaway mailbox is fetched this often, besides live pushes */
const POLL_MS = 2_000

export interface JoinOptions {
  home: string
  passphrase: string
  nodes: string[]
  code: string
  timeoutMs?: number
  log?: Logger
  now?: () => number
  /** progress for the person: 'requested' once the request is stored for the first device */
  onProgress?: (stage: 'requested') => void
}

/** Link this new home to the identity behind `code`; resolves with the user id and the device id assigned. */
export async function joinDevice (options: JoinOptions): Promise<{ userId: string, deviceId: number }> {
  if (typeof options.passphrase !== 'string' || options.passphrase.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'a passphrase is required')
  const code = parsePairingCode(options.code)
  if (await storeExists(options.home)) throw new RelaymeshError(ErrorCode.Invalid, `${options.home} is already initialised (a local store exists): join with a new --home`)
  const now = options.now ?? Date.now
  const log = options.log ?? pino({ level: 'silent' })
  const deviceKey = ed25519GenerateKeyPair()
  const ephemeral = x25519GenerateKeyPair()
  const temp = throwawayCredentials(now())
  const pushed: Envelope[] = []
  let wake: (() => void) | undefined
  const conns = new ConnectionManager(options.nodes, () => temp, {
    onEnvelope: (env) => { pushed.push(env); wake?.() },
    onLowPreKeys: () => {},
    onAttached: async () => {}
  }, log)
  let response: LinkResponse
  try {
    const conn = await conns.connect()
    const target = await firstDevice(conn, code, now())
    const payload = sealLinkRequest(code, { deviceKey: deviceKey.publicKey, replyIdentityKey: temp.identity.publicKey, ephemeralKey: ephemeral.publicKey, createdAt: now() })
    // sealed, with a stamp: the new device holds no profile key of its user yet
    await sendSealed(conn, [{ userId: code.userId, mailbox: mailboxAddress(target, code.deviceId) }], new EnvelopeIds().next(now()), payload, async () => undefined, new StampBits())
    options.onProgress?.('requested')
    response = await waitForResponse(conns, temp, code, ephemeral, pushed, (w) => { wake = w }, options.timeoutMs ?? JOIN_WAIT_MS, log)
  } finally {
    wipe(ephemeral.privateKey)
    await conns.close()
  }
  const identity: Ed25519KeyPair = { privateKey: response.identitySeed, publicKey: ed25519PublicFromPrivate(response.identitySeed) }
  const list = checkResponse(code, response, identity, deviceKey, now())
  // only now, with everything checked, does the home come into being
  const store = await SealedStore.create(options.home, options.passphrase)
  try {
    const local = LocalIdentity.fromLink(identity, deviceKey, response.deviceId, list, response.name, response.profileKey)
    const { ops } = PreKeys.create(store, identity, now())
    // the groups of the account: this device is a member and owes its sender key to every member device (first attach)
    ops.push(...storeLinkedGroups(new GroupStore(store), code.userId, code.deviceId, response.groups))
    await store.batch([local.saveOp(store), ...ops], { sync: true })
    for (const c of response.contacts) {
      await addContact(store, c.alias, c.userId).catch((err: Error) => { log.warn({ alias: c.alias, err: err.message }, 'contact from the first device skipped') })
    }
  } finally {
    await store.close()
  }
  return { userId: code.userId, deviceId: response.deviceId }
}

function throwawayCredentials (now: number): DeviceCredentials {
  const identity = ed25519GenerateKeyPair()
  const deviceKey = ed25519GenerateKeyPair()
  return {
    identity,
    userId: userIdFromIdentityKey(identity.publicKey),
    deviceId: 1,
    deviceKey,
    mailbox: mailboxAddress(identity.publicKey, 1),
    deviceList: signDeviceList(identity, [{ deviceId: 1, deviceKey: deviceKey.publicKey }], now, now, { ttlMs: LINK_REPLY_TTL_MS }),
    // never shared: the reply reaches the throwaway mailbox with a stamp
    profileKey: newProfileKey()
  }
}

/** The identity key of the code's user, from its newest valid device list, which must name the code's device. */
async function firstDevice (conn: NodeConnection, code: PairingCode, now: number): Promise<Uint8Array> {
  let raw: Uint8Array[]
  try {
    raw = await conn.getUser(code.userId)
  } catch (err) {
    if (RelaymeshError.is(err, ErrorCode.NotFound)) throw new RelaymeshError(ErrorCode.NotFound, `the pairing code names user ${code.userId}, whom the mesh does not know (is the first device attached to this mesh?)`, { cause: err })
    throw err
  }
  const list = newestRecordOf(raw, RecordKind.DeviceList, code.userId, now)
  if (list === undefined) throw new RelaymeshError(ErrorCode.NotFound, `the pairing code names user ${code.userId}, whom the mesh does not know (is the first device attached to this mesh?)`)
  if (!(list.body as DeviceList).devices.some((d) => d.deviceId === code.deviceId)) throw new RelaymeshError(ErrorCode.NotFound, `the pairing code names device ${code.deviceId}, which is not in the device list of ${code.userId}`)
  return list.identityKey
}


async function waitForResponse (conns: ConnectionManager, temp: DeviceCredentials, code: PairingCode, ephemeral: { publicKey: Uint8Array, privateKey: Uint8Array }, pushed: Envelope[], setWake: (w: (() => void) | undefined) => void, timeoutMs: number, log: Logger): Promise<LinkResponse> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const conn = await conns.ready()
    const batch = pushed.splice(0)
    if (batch.length === 0) batch.push(...(await conn.fetch({ limit: 64 }).catch(() => ({ envelopes: [] as Envelope[] }))).envelopes)
    if (batch.length > 0) await conn.ack(temp, batch.map((e) => e.id)).catch(() => {})
    for (const env of batch) {
      if (!isProvisioning(env.payload)) continue
      try {
        const p = decodeProvisioning(env.payload)
        if (p.kind !== ProvisioningKind.RESPONSE) continue
        return openLinkResponse(p, ephemeral, code.secret)
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'a provisioning answer did not open; ignored')
      }
    }
    const left = deadline - Date.now()
    if (left <= 0) {
      throw new RelaymeshError(ErrorCode.Timeout, `no answer from device ${code.deviceId} of ${code.userId} within ${Math.round(timeoutMs / 1000)} s: check the pairing code (it works once, for 10 minutes) and that \`relaymesh devices link\` (or \`relaymesh recv\`) runs on that device`)
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { setWake(undefined); resolve() }, Math.min(POLL_MS, left))
      setWake(() => { clearTimeout(timer); setWake(undefined); resolve() })
    })
  }
}

/** The answer must carry our user's identity key and a device list, signed by it, naming our device key under the assigned id. */
function checkResponse (code: PairingCode, r: LinkResponse, identity: Ed25519KeyPair, deviceKey: Ed25519KeyPair, now: number): { bytes: Uint8Array, seq: number, expiresAt: number, devices: Array<{ deviceId: number, deviceKey: Uint8Array }> } {
  if (!userIdMatches(code.userId, identity.publicKey)) throw new RelaymeshError(ErrorCode.UntrustedIdentity, 'the link answer carries an identity key of another user; nothing was changed')
  let rec: VerifiedRecord
  try {
    rec = openRecord(r.deviceList, now)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.BadSignature, `the link answer's device list does not verify (${(err as Error).message}); nothing was changed`, { cause: err })
  }
  const list = rec.body as DeviceList
  if (rec.kind !== RecordKind.DeviceList || !equalBytes(rec.identityKey, identity.publicKey) || !list.devices.some((d) => d.deviceId === r.deviceId && equalBytes(d.deviceKey, deviceKey.publicKey))) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'the link answer\'s device list does not name this device; nothing was changed')
  }
  return { bytes: r.deviceList, seq: rec.seq, expiresAt: rec.expiresAt, devices: list.devices }
}
