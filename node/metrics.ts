// The node's own Prometheus metrics, in the same registry libp2p's metrics
// (@libp2p/prometheus-metrics) write to, served at /metrics.
import { Counter, Gauge, Registry } from 'prom-client'
import { createServer, type Server } from 'node:http'

export interface NodeMetrics {
  registry: Registry
  envelopesStored: Counter
  envelopesPushed: Counter
  envelopesAcked: Counter
  envelopesHandedOver: Counter
  envelopesExpired: Counter
  gossipAccepted: Counter<'topic'>
  gossipRejected: Counter<'topic' | 'reason'>
  presenceBlobs: Counter<'outcome'>
  clientRequests: Counter<'type'>
  clientErrors: Counter<'code'>
  attachedClients: Gauge
  storedBytes: Gauge
}

export function createNodeMetrics (registry: Registry = new Registry()): NodeMetrics {
  const c = (name: string, help: string): Counter => new Counter({ name, help, registers: [registry] })
  return {
    registry,
    envelopesStored: c('relaymesh_envelopes_stored_total', 'envelopes persisted on this node as a replica'),
    envelopesPushed: c('relaymesh_envelopes_pushed_total', 'envelopes pushed live to attached clients'),
    envelopesAcked: c('relaymesh_envelopes_acked_total', 'envelopes deleted after a signed acknowledgement'),
    envelopesHandedOver: c('relaymesh_envelopes_handed_over_total', 'envelopes sent to a new replica after the closest set changed'),
    envelopesExpired: c('relaymesh_envelopes_expired_total', 'envelopes purged at expiry'),
    gossipAccepted: new Counter({ name: 'relaymesh_gossip_accepted_total', help: 'gossip messages accepted', labelNames: ['topic'], registers: [registry] }),
    gossipRejected: new Counter({ name: 'relaymesh_gossip_rejected_total', help: 'gossip messages rejected', labelNames: ['topic', 'reason'], registers: [registry] }),
    presenceBlobs: new Counter({ name: 'relaymesh_presence_blobs_total', help: 'presence blobs put to this node by relays, by outcome (newer: kept; same, older, full, not-responsible, rejected)', labelNames: ['outcome'], registers: [registry] }),
    clientRequests: new Counter({ name: 'relaymesh_client_requests_total', help: 'client requests received, by type (counts only: nothing about who asked)', labelNames: ['type'], registers: [registry] }),
    clientErrors: new Counter({ name: 'relaymesh_client_errors_total', help: 'typed errors answered to clients', labelNames: ['code'], registers: [registry] }),
    attachedClients: new Gauge({ name: 'relaymesh_attached_clients', help: 'devices attached to this node', registers: [registry] }),
    storedBytes: new Gauge({ name: 'relaymesh_stored_bytes', help: 'bytes of envelopes stored on this node', registers: [registry] })
  }
}

/** Serve GET /metrics on host:port; resolves with the bound address. */
export async function serveMetrics (registry: Registry, hostPort: string): Promise<{ server: Server, address: string }> {
  const m = /^(.*):(\d+)$/.exec(hostPort)
  if (m === null) throw new Error(`--metrics: expected HOST:PORT, got "${hostPort}"`)
  const host = m[1] as string
  const port = Number(m[2])
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then((body) => {
        res.writeHead(200, { 'content-type': registry.contentType })
        res.end(body)
      }, (err: Error) => {
        res.writeHead(500)
        res.end(err.message)
      })
      return
    }
    res.writeHead(404)
    res.end('not found: try /metrics\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const a = server.address()
  const address = typeof a === 'object' && a !== null ? `${a.address}:${a.port}` : hostPort
  return { server, address }
}

/** Bytes this node's libp2p host moved over all its connections (transport level: Noise and muxer framing included). */
export interface Traffic {
  bytesIn: number
  bytesOut: number
}

/** libp2p's counter (@libp2p/prometheus-metrics), labelled "global sent" / "global received" for whole connections */
const TRANSFER_METRIC = 'libp2p_data_transfer_bytes_total'

/**
 * Read the global transfer counters from a registry libp2p's prometheus
 * metrics write to; zeros when they are not installed. Async because the
 * library moves its counts into the counter only when the metric is collected.
 */
export async function readTraffic (registry: Registry): Promise<Traffic> {
  const metric = registry.getSingleMetric(TRANSFER_METRIC)
  if (metric === undefined) return { bytesIn: 0, bytesOut: 0 }
  const { values } = await metric.get()
  let bytesIn = 0
  let bytesOut = 0
  for (const v of values) {
    if (v.labels.protocol === 'global received') bytesIn += v.value
    else if (v.labels.protocol === 'global sent') bytesOut += v.value
  }
  return { bytesIn, bytesOut }
}
