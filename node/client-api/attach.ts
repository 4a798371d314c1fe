// The attach session (/relaymesh/attach/1.0.0): the node sends a challenge,
// the device proves its key (signature bound to nonce, node and its own peer
// id), the node asks the mailbox's replicas to push here (WATCH), publishes
// the device's contacts-only presence blob "online" (if it gave one), and the
// stream then carries live pushes until it closes, when the watch is
// withdrawn and the "offline" blob published. Nothing the node publishes
// names the user, the device or this node (docs/protocol.md §8e),
// except the attach's device list when it is newer than the mesh holds.
import type { Connection, Stream } from '@libp2p/interface'
import { AttachChallenge, AttachEvent, AttachRequest, AttachUpdate, Status } from '../../protocol/pb/client-api.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { decode, encode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ATTACH_NONCE_BYTES, attachSignaturePayload } from '../../protocol/client-protocol.js'
import { ed25519Verify, randomBytes } from '../../protocol/crypto/primitives.js'
import { mailboxAddress } from '../../protocol/identity.js'
import { openRecord, type VerifiedRecord } from '../../protocol/records.js'
import { RecordKind, WIRE_VERSION } from '../../protocol/constants.js'
import { verifyPresenceBlob } from '../../protocol/presence.js'
import { errorCode, errorMessage, frames, readFrame, writeFrame, type FrameStream } from './frames.js'
import { FrameWriter } from '../../protocol/frame-writer.js'
import { checkAttachList } from './device-list-check.js'
import type { AttachedDevice, AttachedDevices } from './attached-devices.js'
import { deviceBucketKey } from './rate-limit.js'
import type { MailboxService, NodeComponents, PreKeyService, PresenceService, RecordService } from '../components.js'
import { SECOND } from '../config.js'
import { PREKEY_COUNT_TIMEOUT_MS } from '../prekeys/constants.js'

export const ATTACH_TIMEOUT_MS = 10 * SECOND
/** pushes queued for one slow client before further ones are left for it to fetch */
export const MAX_PUSH_QUEUE = 1024
/** the attach answer waits at most this long for the mailbox's replicas to take the watch (the requests go on after it; node/mailbox/watching.ts) */
export const WATCH_ATTACH_WAIT_MS = 3 * SECOND

interface AttachDeps {
  records: RecordService
  mailbox: MailboxService
  devices: AttachedDevices
  /** contacts-only presence blobs (node/presence) */
  presence: Pick<PresenceService, 'publish'>
  /** tells the device how many of its one-time prekeys remain (node/prekeys) */
  prekeys?: Pick<PreKeyService, 'count'>
}

export async function handleAttach (components: NodeComponents, deps: AttachDeps, stream: Stream, connection: Connection): Promise<void> {
  const { config, log, host, metrics } = components
  // a long-lived stream: a started frame must complete, and a silent client is dropped
  // (an attached client refreshes its presence every PRESENCE_TTL_MS / 3)
  const fs = frames(stream, config.limits.maxFrameBytes, {
    frameTimeoutMs: config.limits.frameReadTimeoutMs, idleTimeoutMs: config.limits.streamIdleTimeoutMs, budget: components.inbound.for(connection)
  })
  const peerId = connection.remotePeer.toString()
  let device: AttachedDevice | undefined
  let detachMailbox: (() => void) | undefined
  let unwatch: (() => void) | undefined
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(Math.min(ATTACH_TIMEOUT_MS, config.limits.frameReadTimeoutMs)), components.shutdown])
    const nonce = randomBytes(ATTACH_NONCE_BYTES)
    const nodeId = host.peerId.toMultihash().bytes
    await writeFrame(fs, encode(AttachChallenge, { version: WIRE_VERSION, nonce, nodeId }), signal)
    const req = decode(AttachRequest, await readFrame(fs, signal), config.limits.maxFrameBytes, 'AttachRequest')
    const attaching = verifyAttach(req, nonce, nodeId, connection.remotePeer.toMultihash().bytes, peerId)
    // only under the user's latest device list: a removed device's older, unexpired list attaches nowhere
    await checkAttachList(components, deps.records, attaching.list)
    device = attaching.device
    device.close = () => { stream.abort(new RelaymeshError(ErrorCode.Unauthorized, 'device removed from its user\'s device list')) }
    if (!deps.devices.add(device)) throw new RelaymeshError(ErrorCode.Invalid, 'a device is already attached on this connection')
    // counted while presence is published; a count not in within PREKEY_COUNT_TIMEOUT_MS is left out
    const prekeysRemaining = countPreKeys(deps, device.mailbox, signal)

    await publishQuietly(deps.records, req.deviceList)
    metrics.attachedClients.inc()

    const pusher = createPusher(fs, components, peerId)
    detachMailbox = deps.mailbox.attach(device.mailbox, { push: (env) => { pusher.push(env) } })
    // pushes for this mailbox reach this node from its replicas: in place before the answer (bounded wait)
    if (device.grant !== undefined) unwatch = await deps.mailbox.watch(device.mailbox, device.grant, { wait: AbortSignal.any([signal, AbortSignal.timeout(WATCH_ATTACH_WAIT_MS)]) })
    await publishPresence(deps, req.presenceOnline, components)
    await writeFrame(fs, encode(AttachEvent, { version: WIRE_VERSION, status: Status.OK, prekeysRemaining: await prekeysRemaining }), signal)
    log.info({ peer: peerId, user: device.userId, device: device.deviceId }, 'device attached')

    // later frames: refreshed presence records, until the client goes away
    for (;;) {
      let frame: Uint8Array
      try {
        frame = await readFrame(fs, components.shutdown)
      } catch (err) {
        // a clean end is the client leaving; a bound broken (prefix, frame time, idle) resets the stream
        if (!(RelaymeshError.is(err, ErrorCode.Decode) && fs.reader.heldBytes === 0)) stream.abort(err as Error)
        break
      }
      const update = decode(AttachUpdate, frame, config.limits.maxFrameBytes, 'AttachUpdate')
      checkPresencePair(update.presenceOnline, update.presenceOffline)
      // each refresh costs a signature check and a gossip message: it counts against the device's rate
      if (!deps.devices.limits.take(peerId, deviceBucketKey(device.userId, device.deviceId), 1)) {
        log.debug({ peer: peerId }, 'presence refresh over the rate limit: ignored')
        continue
      }
      await publishPresence(deps, update.presenceOnline, components)
      device.presenceOffline = update.presenceOffline
    }
  } catch (err) {
    metrics.clientErrors.inc({ code: errorCode(err) })
    log.debug({ peer: peerId, err: errorMessage(err) }, 'attach failed or ended')
    if (device === undefined || detachMailbox === undefined) {
      // the attach itself failed: answer with the typed error if the stream still works
      await writeFrame(fs, encode(AttachEvent, { version: WIRE_VERSION, status: Status.ERROR, errorCode: errorCode(err), errorMessage: errorMessage(err) }), AbortSignal.timeout(SECOND)).catch(() => {})
      // nothing more is read from a failed attach: reset rather than leave the remote's side open
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  } finally {
    if (device !== undefined && deps.devices.get(peerId) === device) {
      deps.devices.remove(peerId)
      if (detachMailbox !== undefined) {
        detachMailbox()
        unwatch?.()
        metrics.attachedClients.dec()
        await publishPresence(deps, device.presenceOffline, components)
        log.info({ peer: peerId, user: device.userId, device: device.deviceId }, 'device detached')
      }
    }
    fs.reader.close()
    await stream.close().catch(() => { stream.abort(new Error('attach closed')) })
  }
}

function verifyAttach (req: AttachRequest, nonce: Uint8Array, nodeId: Uint8Array, clientPeerId: Uint8Array, peerId: string): { device: AttachedDevice, list: VerifiedRecord } {
  const now = Date.now()
  const list = openRecord(req.deviceList, now)
  if (list.kind !== RecordKind.DeviceList) throw new RelaymeshError(ErrorCode.Invalid, 'device_list: not a device list record')
  const entry = (list.body as DeviceList).devices.find((d) => d.deviceId === req.deviceId)
  if (entry === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, `device ${req.deviceId} is not in the signed device list`)
  if (!ed25519Verify(entry.deviceKey, attachSignaturePayload(nonce, nodeId, clientPeerId), req.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'attach signature does not verify with the device key')
  }
  checkPresencePair(req.presenceOnline, req.presenceOffline)
  const device: AttachedDevice = {
    peerId,
    userId: list.userId,
    identityKey: list.identityKey,
    deviceId: req.deviceId,
    deviceKey: entry.deviceKey,
    mailbox: mailboxAddress(list.identityKey, req.deviceId),
    deviceListSeq: list.seq,
    presenceOffline: req.presenceOffline,
    // lets this node (and no other: the signature names it) list the mailbox on its replicas
    grant: { nonce, signature: req.signature, clientPeerId, deviceList: req.deviceList, deviceId: req.deviceId }
  }
  return { device, list }
}

/**
 * The device's presence blobs: both empty (it shares no presence), or two valid
 * blobs of one id (verifyPresenceBlob), the offline one with the higher seq.
 * This node knows they are this device's (they came on its attach); a relay that
 * gets them by gossip cannot tell whose they are: only contacts can.
 */
function checkPresencePair (online: Uint8Array, offline: Uint8Array): void {
  if (online.byteLength === 0 && offline.byteLength === 0) return
  if (online.byteLength === 0 || offline.byteLength === 0) throw new RelaymeshError(ErrorCode.Invalid, 'presence: give both blobs (online and offline) or neither')
  const now = Date.now()
  const on = verifyPresenceBlob(online, now)
  const off = verifyPresenceBlob(offline, now)
  if (on.idHex !== off.idHex) throw new RelaymeshError(ErrorCode.Invalid, 'presence: the online and offline blobs have different ids')
  if (off.seq <= on.seq) throw new RelaymeshError(ErrorCode.Invalid, 'presence: the offline blob must follow the online one (higher seq)')
}

/** Publish a presence blob (none when empty); a failure (a newer blob held, the board full) costs the attach nothing. */
async function publishPresence (deps: AttachDeps, blob: Uint8Array, components: NodeComponents): Promise<void> {
  if (blob.byteLength === 0) return
  await deps.presence.publish(blob).catch((err: Error) => { components.log.debug({ err: err.message }, 'presence blob not published') })
}

async function countPreKeys (deps: AttachDeps, mailbox: Uint8Array, signal: AbortSignal): Promise<number | undefined> {
  if (deps.prekeys === undefined) return undefined
  try {
    return await deps.prekeys.count(mailbox, { signal: AbortSignal.any([signal, AbortSignal.timeout(PREKEY_COUNT_TIMEOUT_MS)]) })
  } catch {
    return undefined
  }
}

async function publishQuietly (records: RecordService, bytes: Uint8Array): Promise<void> {
  try {
    await records.publish(bytes)
  } catch (err) {
    // an older copy of a device list the mesh already has newer is fine
    if (!RelaymeshError.is(err, ErrorCode.Stale)) throw err
  }
}

/**
 * Queues pushes onto the attach stream; pushes made in the same turn of the
 * event loop leave in one send() (node/mailbox/pipeline.ts FrameWriter). A
 * client that falls MAX_PUSH_QUEUE behind (frames not yet taken by the
 * stream) fetches the rest.
 */
function createPusher (fs: FrameStream, components: NodeComponents, peerId: string): { push: (env: Envelope) => void } {
  let queued = 0
  let waiting = false
  const writer = new FrameWriter(fs.stream, (err) => { fs.stream.abort(err) })
  return {
    push: (env) => {
      if (queued >= MAX_PUSH_QUEUE) {
        components.log.debug({ peer: peerId }, 'push queue full; client will fetch')
        return
      }
      queued++
      writer.write(encode(AttachEvent, { version: WIRE_VERSION, status: Status.OK, envelope: encode(Envelope, env) }))
      components.metrics.envelopesPushed.inc()
      if (waiting) return
      waiting = true
      // count down once the stream took the frames (a stalled client keeps them counted)
      void writer.flushed().then(() => { queued = 0; waiting = false })
    }
  }
}
