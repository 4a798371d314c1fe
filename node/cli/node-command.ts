// `relaymesh node …`: run a relay node (start) and ask one how it is (status).
import { Command, InvalidArgumentError, Option } from 'commander'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createLogger } from '../log.js'
import { checkAnnounceAddress, DAY, DEFAULT_ID_DIFFICULTY, DEFAULT_LIMITS, DEFAULT_STABLE_AFTER_MS, MINUTE } from '../config.js'
import { parseCidr } from '../connection-limits.js'
import { MAX_ID_DIFFICULTY } from '../relays/constants.js'
import { MAX_SEND_STAMP_BITS, SEND_STAMP_BITS } from '../../protocol/constants.js'
import { meshAdmissionOf, nodeIdCommand } from './mesh-command.js'
import { checkBootstrap, checkListen, explainStartError } from './start-errors.js'
import { removeLocalNodeFile, writeLocalNodeFile } from './local-node-file.js'

export const DEFAULT_PORT = 4001
/** how many ports after the default `npm start` tries before giving up */
const PORT_TRIES = 20

function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** --announce: repeatable, and each value may be a comma-separated list */
function collectAnnounce (value: string, previous: string[] = []): string[] {
  const added = value.split(',').map((v) => v.trim()).filter((v) => v !== '')
  if (added.length === 0) throw new InvalidArgumentError('expected a multiaddr')
  try {
    return [...previous, ...added.map(checkAnnounceAddress)]
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

/** --allow-ip: repeatable, each value a CIDR (or a bare address) */
function collectCidr (value: string, previous: string[] = []): string[] {
  try {
    parseCidr(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
  return [...previous, value.trim()]
}

function positiveNumber (value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number')
  return n
}

function positiveInt (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new InvalidArgumentError('expected an integer from 1 to 20')
  return n
}

async function portIsFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => { resolve(false) })
    srv.listen(port, '0.0.0.0', () => { srv.close(() => { resolve(true) }) })
  })
}

/**
 * When the operator gave no --listen: TCP 4001 and WebSockets (browsers) on
 * the next port, 4002, or the next free pair of ports.
 */
async function defaultListen (): Promise<string[]> {
  for (let port = DEFAULT_PORT; port < DEFAULT_PORT + PORT_TRIES; port++) {
    if (await portIsFree(port) && await portIsFree(port + 1)) return [`/ip4/0.0.0.0/tcp/${port}`, `/ip4/0.0.0.0/tcp/${port + 1}/ws`]
  }
  throw new Error(`no free pair of TCP ports in ${DEFAULT_PORT}-${DEFAULT_PORT + PORT_TRIES}; pass --listen`)
}

function bits (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > MAX_ID_DIFFICULTY) throw new InvalidArgumentError(`expected an integer from 0 to ${MAX_ID_DIFFICULTY}`)
  return n
}

function stampBits (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > MAX_SEND_STAMP_BITS) throw new InvalidArgumentError(`expected an integer from 0 to ${MAX_SEND_STAMP_BITS}`)
  return n
}

function minutes (value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of minutes (0 or more)')
  return n
}

interface StartOptions {
  data: string
  listen?: string[]
  bootstrap?: string[]
  announce?: string[]
  replicas?: number
  quorum?: number
  metrics?: string
  json?: boolean
  logLevel: string
  clientRate?: number
  strangerRate?: number
  stampBits?: number
  ttlDays?: number
  allowIp?: string[]
  idDifficulty?: number
  stableAfter?: number
  meshPublicKey?: string
  admission?: string
}

export async function startNode (opts: StartOptions): Promise<void> {
  const json = opts.json === true
  const log = createLogger({ json, level: opts.logLevel })
  // cheap checks first: nothing starts with an address libp2p would reject or silently skip
  const bootstrap = checkBootstrap(opts.bootstrap ?? [])
  const listen = opts.listen !== undefined ? checkListen(opts.listen) : await defaultListen()
  const mesh = await meshAdmissionOf(opts.meshPublicKey, opts.admission)
  // loaded here, not at import: every other CLI command skips the node's stack (kad-dht, gossipsub, LevelDB)
  const { createRelayNode } = await import('../relay-node.js')
  const node = await createRelayNode({
    dataDir: opts.data,
    listen,
    bootstrap,
    announce: opts.announce ?? [],
    allowIps: opts.allowIp ?? [],
    ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
    ...(opts.quorum !== undefined ? { writeQuorum: opts.quorum } : {}),
    ...(opts.metrics !== undefined ? { metrics: opts.metrics } : {}),
    ...(opts.ttlDays !== undefined ? { envelopeTtlMs: opts.ttlDays * DAY } : {}),
    ...(opts.idDifficulty !== undefined ? { idDifficulty: opts.idDifficulty } : {}),
    ...(opts.stableAfter !== undefined ? { stableAfterMs: Math.round(opts.stableAfter * MINUTE) } : {}),
    ...(mesh !== undefined ? { mesh } : {}),
    ...(opts.stampBits !== undefined ? { stampBits: opts.stampBits } : {}),
    limits: {
      ...DEFAULT_LIMITS,
      ...(opts.clientRate !== undefined ? { clientRatePerSecond: opts.clientRate, clientRateBurst: opts.clientRate * 2 } : {}),
      ...(opts.strangerRate !== undefined ? { strangerSendsPerMinute: opts.strangerRate, strangerSendBurst: Math.max(1, Math.ceil(opts.strangerRate)) } : {})
    },
    json,
    logLevel: opts.logLevel,
    log
  }).catch((err: unknown) => {
    // a half-started libp2p may hold a timer: the one-line error is printed, then leave
    setTimeout(() => process.exit(), 1000).unref()
    throw explainStartError(err, opts.data)
  })
  // handlers first: a signal right after the ready line must still stop cleanly
  const stopped = new Promise<void>((resolve) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return
      stopping = true
      log.info({ signal }, 'stopping: finishing pending writes')
      removeLocalNodeFile(opts.data).then(async () => { await node.stop() }).then(() => {
        if (json) process.stdout.write(JSON.stringify({ event: 'stopped' }) + '\n')
        resolve()
      }, (err: Error) => {
        log.error({ err: err.message }, 'stop failed')
        process.exitCode = 1
        resolve()
      })
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  const multiaddrs = node.multiaddrs()
  await writeLocalNodeFile(opts.data, { peerId: node.peerId.toString(), multiaddrs })
  if (json) {
    process.stdout.write(JSON.stringify({ event: 'ready', peerId: node.peerId.toString(), multiaddrs, ...(node.metricsAddress !== undefined ? { metrics: `http://${node.metricsAddress}/metrics` } : {}) }) + '\n')
  } else {
    process.stdout.write(`relaymesh node ${node.peerId.toString()} is running (data in ${opts.data})\n`)
    process.stdout.write('listening on:\n' + multiaddrs.map((a) => `  ${a}\n`).join(''))
    if (node.metricsAddress !== undefined) process.stdout.write(`metrics: http://${node.metricsAddress}/metrics\n`)
    const tcpAddrs = multiaddrs.filter((a) => !isWs(a))
    const join = tcpAddrs.find((a) => !a.includes('/127.0.0.1/')) ?? tcpAddrs[0] ?? multiaddrs[0]
    if (join !== undefined) {
      process.stdout.write(`\nto join this mesh from another node:\n  npx relaymesh node start --bootstrap ${join}\n`)
      process.stdout.write(`to chat through it:\n  npx relaymesh config set node ${join}\n`)
    }
    const ws = multiaddrs.filter(isWs)
    const browser = ws.find((a) => !a.includes('/127.0.0.1/')) ?? ws[0]
    if (browser !== undefined) process.stdout.write(`to chat from a browser through it:\n  npx relaymesh web --node ${browser}\n`)
    process.stdout.write('press Ctrl-C to stop\n')
  }
  await stopped
  // everything is closed; do not let a stray libp2p timer keep the process up
  setTimeout(() => process.exit(), 1000).unref()
}

/** a WebSocket address (browsers dial these) */
function isWs (address: string): boolean {
  return /\/(ws|wss|tls\/ws)(\/|$)/.test(address)
}

/** `node start`; `node status` is a client action, added by client/cli (node/ never imports client/). */
export function nodeCommand (): Command {
  const node = new Command('node').description('run and inspect relay nodes')
  node.command('start')
    .description('start a relay node: join the mesh, store and forward end-to-end encrypted envelopes')
    .option('--data <dir>', 'data directory (node key and LevelDB)', join(process.cwd(), '.relaymesh', 'node'))
    .option('--listen <multiaddr>', 'address to listen on, TCP (/ip4/…/tcp/N) or WebSocket for browsers (/ip4/…/tcp/N/ws); repeatable, and any --listen replaces both defaults [default: /ip4/0.0.0.0/tcp/4001 and /ip4/0.0.0.0/tcp/4002/ws, or the next free pair of ports]', collect)
    .option('--bootstrap <multiaddr>', 'a node of the mesh to join, with /p2p/<peer id> (repeatable)', collect)
    .option('--announce <multiaddr>', 'address to advertise instead of the listen addresses, e.g. behind a port forward (repeatable or comma-separated)', collectAnnounce)
    .option('--replicas <k>', 'replicas per mailbox', positiveInt)
    .addOption(new Option('--quorum <n>', 'replicas that must persist an envelope before "stored" [default: floor(k/2)+1]').argParser(positiveInt))
    .option('--metrics <host:port>', 'serve Prometheus metrics at http://host:port/metrics')
    .addOption(new Option('--client-rate <n>', `requests per second one device, and one peer, may make across all its connections (burst 2n) [default: ${DEFAULT_LIMITS.clientRatePerSecond}]`).argParser(positiveNumber))
    .addOption(new Option('--stranger-rate <n>', `sealed sends with a stamp (to mailboxes no access key opens) one IP address may make per minute (burst n) [default: ${DEFAULT_LIMITS.strangerSendsPerMinute}]`).argParser(positiveNumber))
    .addOption(new Option('--stamp-bits <bits>', `work (leading zero bits) a sealed send's stamp must carry for one mailbox no access key opens, one more per doubling; 0: none [default: ${SEND_STAMP_BITS}]`).argParser(stampBits))
    .option('--allow-ip <cidr>', 'exempt peers in this range from the per-IP connection limits, the per-IP stranger send budget and gossip IP scoring (repeatable; only for meshes on one host, e.g. 127.0.0.0/8 in tests) [default: none]', collectCidr)
    .addOption(new Option('--ttl-days <days>', 'expiry backstop for unacknowledged envelopes [default: 30]').argParser(positiveNumber))
    .addOption(new Option('--id-difficulty <bits>', `node-id puzzle: leading zero bits required of every relay's node id (solved once per node key) [default: ${DEFAULT_ID_DIFFICULTY}]`).argParser(bits))
    .addOption(new Option('--stable-after <minutes>', `a relay holds mail ahead of others only once seen this long; 0: at once [default: ${DEFAULT_STABLE_AFTER_MS / MINUTE}]`).argParser(minutes))
    .option('--mesh-public-key <key>', 'permissioned mesh: admit only relays certified by this mesh key (from `relaymesh mesh keygen`); needs --admission')
    .option('--admission <file>', "permissioned mesh: this node's certificate (from `relaymesh mesh admit`)")
    .option('--json', 'one JSON object per line on stdout (events); logs as JSON lines on stderr')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .action(async (opts: StartOptions) => { await startNode(opts) })
  node.addCommand(nodeIdCommand())
  return node
}
