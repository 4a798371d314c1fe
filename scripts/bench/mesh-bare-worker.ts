// A bare bench:mesh worker process, forked by runBare (mesh-bare.ts):
// `mesh-bare-worker.js node|client <max life ms>`. It hosts nodes or clients
// and does what the coordinator asks over IPC; the coordinator is never on
// a message's path. It exits when the coordinator disconnects, when asked
// to stop, or after its maximum life, whichever comes first.
import '../../node/runtime/polyfills.js'
import { EventEmitter } from 'node:events'
import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { ClientWorker } from './mesh-bare-clients.js'
import { NodeWorker } from './mesh-bare-nodes.js'
import { answer } from '../lib/child-rpc.js'
import type { Call, Mark, ToWorker } from './mesh-bare-wire.js'

// dozens of libp2p hosts in one process share AbortSignals past the default of 10 listeners
EventEmitter.defaultMaxListeners = 500

function main (): void {
  const baseRssMiB = process.memoryUsage().rss / 2 ** 20
  const role = process.argv[2]
  const maxLifeMs = Number(process.argv[3] ?? 600_000)
  if (process.send === undefined || (role !== 'node' && role !== 'client')) {
    process.stderr.write('mesh-bare-worker: fork me from runBare with role node|client\n')
    process.exit(2)
  }
  const nodes = role === 'node' ? new NodeWorker() : undefined
  const clients = role === 'client' ? new ClientWorker() : undefined
  const worker = (nodes ?? clients) as NodeWorker | ClientWorker
  let eluAtStart: EventLoopUtilization | undefined
  let exiting = false
  const exit = (code: number): void => {
    if (exiting) return
    exiting = true
    // stop the hosts, but never hang on it
    setTimeout(() => process.exit(code), 3000).unref()
    void worker.stop().finally(() => process.exit(code))
  }
  process.on('disconnect', () => { exit(0) })
  setTimeout(() => {
    process.stderr.write(`mesh-bare-worker: ${role} worker past its ${maxLifeMs} ms, exiting\n`)
    exit(3)
  }, maxLifeMs).unref()

  const need = <T>(w: T | undefined, op: string): T => {
    if (w === undefined) throw new Error(`${op} is not a ${role} worker operation`)
    return w
  }
  const handle = async (c: Call): Promise<unknown> => {
    switch (c.op) {
      case 'createNode': return await need(nodes, c.op).createNode(c.index)
      case 'dial': return await need(nodes, c.op).dial(c.index, c.addrs)
      case 'subscribed': return need(nodes, c.op).subscribed()
      case 'directory': return need(nodes, c.op).directory(c.hops, c.nodes, c.clients)
      case 'openStreams': return await need(nodes, c.op).openStreams()
      case 'attached': return need(nodes, c.op).attached()
      case 'createClient': return await need(clients, c.op).createClient(c.index)
      case 'attach': return await need(clients, c.op).attach(c.index, c.entryAddr)
      case 'gossipCount': return need(nodes, c.op).report.gossipReceived
      case 'loadStart': eluAtStart = performance.eventLoopUtilization(); worker.loadStarted(); return null
      case 'mark': {
        const m: Mark = { rssMiB: process.memoryUsage().rss / 2 ** 20, baseRssMiB, elu: performance.eventLoopUtilization(eluAtStart).utilization }
        return m
      }
      case 'count': return worker.report.delivered
      case 'report': return worker.report
      case 'stop': setImmediate(() => { exit(0) }); return null
    }
  }

  process.on('message', (m: ToWorker) => {
    if (m.op === 'send') {
      for (const [id, from, to, at] of m.list) worker.send(id, from, to, at)
      return
    }
    if (m.op === 'publish') { need(nodes, m.op).publish(m.node, m.count); return }
    answer(m.id, handle(m), (err) => err.stack ?? String(err))
  })
}

if (process.argv[1]?.endsWith('mesh-bare-worker.js') === true) main()
