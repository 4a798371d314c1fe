// The relay directory: the live relay set, known locally so that no DHT query
// sits on the per-message path (DESIGN.md, Mailboxes). It wires four parts:
// - admission.ts: which node records are accepted (puzzle work, mesh certificate);
// - record-exchange.ts: records in and out (gossip, /relaymesh/nodes/1.0.0, own record);
// - liveness.ts: which admitted relays are down;
// - overlay.ts: which relays it keeps connections to (O(log N)), the rest closed when idle;
// - live-set.ts + stability.ts: the live set and placement (stable relays first).
// Only a valid, admitted node record makes a peer a relay: identify's protocol
// list and the kad-dht routing table only make this node ask for its record.
// docs/protocol.md §9, docs/protocol.md.
import type { IdentifyResult, PeerId, PeerUpdate } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { NodeComponents, RelayDirectory } from '../components.js'
import { createAdmissionPolicy } from './admission.js'
import { checkOwnAdmission as checkOwnCertificate } from './admission-certificate.js'
import {
  CHANGE_DEBOUNCE_MS, EXCHANGE_TIMEOUT_MS, EXPIRY_SWEEP_MS, LIVENESS_INTERVAL_MS, LIVENESS_MIN_AGE_MS, NODE_RECORD_REFRESH_MS,
  NODE_RECORD_TTL_MS, NODES_PROTOCOL, OVERLAY_IDLE_CLOSE_MS, REDIAL_TIMEOUT_MS, OVERLAY_INTERVAL_MS, OVERLAY_NEIGHBOURS, OVERLAY_PER_BUCKET,
  RELAY_PROTOCOLS, STABILITY_BOOTSTRAP_MS
} from './constants.js'
import { LiveSet, type LiveCandidate } from './live-set.js'
import { Liveness } from './liveness.js'
import { NodeRecordBook } from './node-record-book.js'
import { Overlay } from './overlay.js'
import { nodeIdOf, solveNodeId, verifyNodeId } from './node-id.js'
import { jitter } from './jitter.js'
import type { VerifiedNodeRecord } from './node-record.js'
import { RecordExchange } from './record-exchange.js'
import { Stability } from './stability.js'

export interface RelayDirectoryInit {
  /** lifetime of this node's record @default NODE_RECORD_TTL_MS (15 min) */
  recordTtlMs?: number
  /** republish period of this node's record @default NODE_RECORD_REFRESH_MS (5 min) */
  refreshMs?: number
  /** onChange debounce @default CHANGE_DEBOUNCE_MS (200 ms) */
  debounceMs?: number
  /** period of the liveness check of unconnected peers (jittered ±20 %; 0: off) @default LIVENESS_INTERVAL_MS (15 s) */
  livenessIntervalMs?: number
  /** the liveness check skips peers with a sign of life newer than this @default LIVENESS_MIN_AGE_MS (60 s) */
  livenessMinAgeMs?: number
  /** this node's puzzle nonce (node-key.ts keeps it in the data dir); solved at start for config.idDifficulty when absent */
  idNonce?: Uint8Array
  /** on a first start, relays met within this window count as stable at once @default STABILITY_BOOTSTRAP_MS (2 min) */
  stabilityBootstrapMs?: number
  /** overlay: closest relays kept connected @default OVERLAY_NEIGHBOURS (4) */
  overlayNeighbours?: number
  /** overlay: relays kept connected per distance bucket @default OVERLAY_PER_BUCKET (1) */
  overlayPerBucket?: number
  /** overlay: how often targets are dialled and idle connections closed (jittered ±20 %) @default OVERLAY_INTERVAL_MS (5 s) */
  overlayIntervalMs?: number
  /** overlay: a relay connection neither side keeps closes after this long without a relaymesh stream @default OVERLAY_IDLE_CLOSE_MS (30 s) */
  idleCloseMs?: number
}

/** What the relay directory exposes beyond RelayDirectory (status, tests). */
export interface RelayDirectoryService extends RelayDirectory {
  /** unexpired, admitted node records held, this node's own included */
  nodeRecords: () => VerifiedNodeRecord[]
  /** this node's placement position (its puzzle node id) */
  nodeId: () => Uint8Array
  /** this node's overlay targets, its neighbours (targets and the relays that target it), and how many idle relay connections it closed (status, sim) */
  overlay: () => { targets: string[], neighbours: string[], closedIdle: number }
}

interface RoutingTableLike {
  addEventListener: (type: 'peer:add', listener: (evt: CustomEvent<PeerId>) => void) => void
  removeEventListener: (type: 'peer:add', listener: (evt: CustomEvent<PeerId>) => void) => void
}

export function createRelayDirectory (components: NodeComponents, init: RelayDirectoryInit = {}): RelayDirectoryService {
  const { host, store, config, metrics } = components
  const log = components.log.child({ component: 'relays' })
  const self = host.peerId
  const selfId = self.toString()
  const selfBytes = self.toMultihash().bytes
  const stableAfterMs = config.stableAfterMs
  const policy = createAdmissionPolicy({ idDifficulty: config.idDifficulty, ...(config.mesh !== undefined ? { meshPublicKey: config.mesh.publicKey } : {}) })
  const book = new NodeRecordBook(store)
  const stability = new Stability(store)
  const live = new LiveSet({ stableAfterMs, debounceMs: init.debounceMs ?? CHANGE_DEBOUNCE_MS, log })
  let idNonce = init.idNonce
  let ownNodeId = nodeIdOf(selfBytes, idNonce ?? new Uint8Array(0))
  let ownSince = Date.now()
  /** first start: relays met before then count as stable at once */
  let bootstrapUntil = -Infinity

  let running = false
  let stopController = new AbortController()
  let sweepTimer: NodeJS.Timeout | undefined
  let refreshTimer: NodeJS.Timeout | undefined
  const inflight = new Set<Promise<unknown>>()
  function track (p: Promise<unknown>): void {
    inflight.add(p)
    const done = (): void => { inflight.delete(p) }
    p.then(done, done)
  }

  function recompute (): void {
    const now = Date.now()
    const candidates: LiveCandidate[] = []
    for (const r of book.all(now)) {
      if (r.id === selfId || liveness.failed.has(r.id)) continue
      candidates.push({ peerId: r.peerId, id: r.id, nodeId: r.nodeId, since: stability.since(r.id, r.nodeId) ?? now })
    }
    live.update({ peerId: self, id: selfId, nodeId: ownNodeId, since: ownSince }, candidates, now)
  }

  /** no relay connection and no target: dial the configured bootstrap nodes again (each at most once per overlay tick) */
  function redialBootstrap (): void {
    for (const addr of config.bootstrap) {
      track(host.dial(multiaddr(addr), { signal: AbortSignal.any([AbortSignal.timeout(REDIAL_TIMEOUT_MS), stopController.signal]) })
        .catch((err: Error) => { log.debug({ addr, err: err.message }, 'bootstrap re-dial failed') }))
    }
  }

  const overlay = new Overlay({
    host,
    log,
    shape: { neighbours: init.overlayNeighbours ?? OVERLAY_NEIGHBOURS, perBucket: init.overlayPerBucket ?? OVERLAY_PER_BUCKET },
    members: () => live.entries(),
    selfNodeId: () => ownNodeId,
    isRelay: (id) => id !== selfId && book.get(id) !== undefined,
    connect: (peer) => { liveness.ensure(peer) },
    lonely: () => { redialBootstrap() },
    intervalMs: init.overlayIntervalMs ?? OVERLAY_INTERVAL_MS,
    idleCloseMs: init.idleCloseMs ?? OVERLAY_IDLE_CLOSE_MS
  })
  live.onChange(() => { overlay.changed() })

  const liveness = new Liveness({
    host,
    log,
    book,
    isLive: (id) => live.has(id),
    livePeers: () => live.peers(),
    wanted: (id) => overlay.wanted(id),
    isTarget: (id) => overlay.isTarget(id),
    changed: recompute,
    track,
    livenessIntervalMs: init.livenessIntervalMs ?? LIVENESS_INTERVAL_MS,
    livenessMinAgeMs: init.livenessMinAgeMs ?? LIVENESS_MIN_AGE_MS
  })

  async function taken (r: VerifiedNodeRecord, now: number): Promise<void> {
    liveness.alive(r.id, now)
    await stability.observe(r.id, r.nodeId, now, now < bootstrapUntil ? now - stableAfterMs : now)
    if (r.multiaddrs.length > 0) {
      await host.peerStore.merge(r.peerId, { multiaddrs: r.multiaddrs }).catch((err: Error) => {
        log.debug({ peer: r.id, err: err.message }, 'peer store merge failed')
      })
    }
  }

  let exchange: RecordExchange | undefined

  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, connection } = evt.detail
    if (peerId.equals(self) || connection.status !== 'open' || !protocols.some((p) => RELAY_PROTOCOLS.includes(p))) return
    // a hint, never admission: ask an unknown relay for its record, and an overlay neighbour for
    // what it knows (a connection opened for one request need not bring the whole directory)
    const id = peerId.toString()
    if (protocols.includes(NODES_PROTOCOL) && (book.admitted(id, Date.now()) === undefined || overlay.wanted(id))) exchange?.enqueue(peerId)
    liveness.connectedRelay(peerId)
    if (book.admitted(peerId.toString(), Date.now()) !== undefined) recompute()
  }

  const onDisconnect = (evt: CustomEvent<PeerId>): void => { liveness.disconnected(evt.detail) }

  const onRoutingAdd = (evt: CustomEvent<PeerId>): void => {
    // the routing table admits nobody: a peer in it without a record is asked for one
    if (book.admitted(evt.detail.toString(), Date.now()) === undefined && host.getConnections(evt.detail).length > 0) exchange?.enqueue(evt.detail)
  }

  const onSelfUpdate = (_evt: CustomEvent<PeerUpdate>): void => { exchange?.addressesChanged() }

  function routingTable (): RoutingTableLike | undefined {
    // kad-dht's routing table is not part of its public KadDHT interface (SingleKadDHT has it)
    const rt = (host.services.dht as unknown as { routingTable?: RoutingTableLike }).routingTable
    return rt !== undefined && typeof rt.addEventListener === 'function' ? rt : undefined
  }

  /** this node's own nonce and certificate must satisfy what it asks of others */
  function checkOwnAdmission (now: number): void {
    if (idNonce === undefined) {
      const t0 = Date.now()
      const solved = solveNodeId(selfBytes, config.idDifficulty)
      idNonce = solved.nonce
      log.info({ difficulty: config.idDifficulty, tries: solved.tries, ms: Date.now() - t0 }, 'node id puzzle solved')
    }
    ownNodeId = verifyNodeId(selfBytes, idNonce, config.idDifficulty)
    if (config.mesh !== undefined) checkOwnCertificate(config.mesh, self, now)
  }

  return {
    async start () {
      if (running) return
      const now = Date.now()
      checkOwnAdmission(now)
      stopController = new AbortController()
      const signal = AbortSignal.any([components.shutdown, stopController.signal])
      const check = (r: VerifiedNodeRecord, at: number): number => r.id === selfId ? r.expiresAt : policy.check(r, at)
      await book.load(now, check)
      await stability.load(now)
      const fresh = book.get(selfId) === undefined
      if (fresh) bootstrapUntil = now + (init.stabilityBootstrapMs ?? STABILITY_BOOTSTRAP_MS)
      // a fresh node counts itself as stable too: in a mesh started at once every node then ranks
      // every other one as stable, as each ranks itself (see docs/protocol.md)
      ownSince = await stability.observe(selfId, ownNodeId, now, fresh ? now - stableAfterMs : now)
      for (const r of book.all(now)) {
        if (r.id === selfId) continue
        await stability.observe(r.id, r.nodeId, now)
        if (r.multiaddrs.length > 0) await host.peerStore.merge(r.peerId, { multiaddrs: r.multiaddrs }).catch(() => {})
      }
      running = true
      exchange = new RecordExchange({
        host,
        log,
        metrics,
        privateKey: components.privateKey,
        book,
        policy,
        maxFrameBytes: config.limits.maxFrameBytes,
        recordTtlMs: init.recordTtlMs ?? NODE_RECORD_TTL_MS,
        idNonce: idNonce ?? new Uint8Array(0),
        admission: config.mesh?.certificate ?? new Uint8Array(0),
        taken,
        changed: recompute,
        track
      })
      host.addEventListener('peer:identify', onIdentify)
      host.addEventListener('peer:disconnect', onDisconnect)
      host.addEventListener('self:peer:update', onSelfUpdate)
      routingTable()?.addEventListener('peer:add', onRoutingAdd)
      await exchange.start(signal, book.get(selfId)?.seq ?? 0)

      // connections made before we started: ask them for their records
      for (const conn of host.getConnections()) {
        try {
          const peer = await host.peerStore.get(conn.remotePeer)
          if (peer.protocols.includes(NODES_PROTOCOL)) exchange.enqueue(conn.remotePeer)
          if (peer.protocols.some((p) => RELAY_PROTOCOLS.includes(p))) liveness.connectedRelay(conn.remotePeer)
        } catch {
          // not identified yet: its peer:identify event will come
        }
      }
      recompute()

      const refreshMs = init.refreshMs ?? NODE_RECORD_REFRESH_MS
      // jittered, so that relays started together (a simulator, a whole site restarted) do not all
      // republish in the same minute: every node takes every record, a wave of N at once
      const scheduleRefresh = (): void => {
        refreshTimer = setTimeout(() => {
          if (!running) return
          exchange?.schedulePublish(0)
          scheduleRefresh()
        }, jitter(refreshMs))
        refreshTimer.unref()
      }
      scheduleRefresh()
      sweepTimer = setInterval(() => {
        book.expire(Date.now()).then((gone) => { if (gone.length > 0) recompute() }, (err: Error) => {
          log.warn({ err: err.message }, 'node record expiry failed')
        })
        liveness.sweep()
      }, EXPIRY_SWEEP_MS)
      sweepTimer.unref()
      liveness.start(signal)
      overlay.start()
      log.info({ relays: live.size, records: book.all(Date.now()).length, difficulty: config.idDifficulty, permissioned: policy.permissioned }, 'relay directory started')
    },

    async stop () {
      if (!running) return
      running = false
      stopController.abort()
      clearTimeout(refreshTimer)
      clearInterval(sweepTimer)
      refreshTimer = sweepTimer = undefined
      live.stop()
      liveness.stop()
      overlay.stop()
      host.removeEventListener('peer:identify', onIdentify)
      host.removeEventListener('peer:disconnect', onDisconnect)
      host.removeEventListener('self:peer:update', onSelfUpdate)
      routingTable()?.removeEventListener('peer:add', onRoutingAdd)
      await exchange?.stop()
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((resolve) => setTimeout(resolve, EXCHANGE_TIMEOUT_MS).unref())
      ])
    },

    closest (key, count) {
      return live.closest(key, count)
    },

    peers () {
      return live.peers()
    },

    reportUnreachable (peerId) {
      return liveness.reportUnreachable(peerId)
    },

    isAdmitted (peer) {
      const id = peer.toString()
      return id !== selfId && book.admitted(id, Date.now()) !== undefined
    },

    onChange (listener) {
      return live.onChange(listener)
    },

    nodeRecords () {
      return book.all(Date.now())
    },

    nodeId () {
      return ownNodeId
    },

    overlay () {
      return { targets: overlay.targetIds(), neighbours: live.entries().map((m) => m.id).filter((id) => overlay.wanted(id)), closedIdle: overlay.closedIdle }
    },

    isNeighbour (peer) {
      return overlay.wanted(peer.toString())
    },

    alone () {
      return live.size === 0 && book.all(Date.now()).every((r) => r.id === selfId)
    }
  }
}
