// `relaymesh mesh …`: a permissioned mesh's key and its admission
// certificates; `relaymesh node id`: a data dir's peer id (what `mesh admit`
// certifies). docs/protocol.md
import { Command, InvalidArgumentError, Option } from 'commander'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ed25519GenerateKeyPair, ed25519PublicFromPrivate } from '../../protocol/crypto/primitives.js'
import { DAY, type MeshAdmission } from '../config.js'
import { loadOrCreateNodeKey } from '../node-key.js'
import { formatMeshPublicKey, parseMeshPublicKey, signAdmission, verifyAdmission } from '../relays/admission-certificate.js'
import { MAX_ADMISSION_DAYS } from '../relays/constants.js'

const MESH_KEY_TYPE = 'relaymesh-mesh-key'

function print (json: boolean | undefined, data: Record<string, unknown>, text: string): void {
  process.stdout.write(json === true ? JSON.stringify(data) + '\n' : text)
}

function days (value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || n > MAX_ADMISSION_DAYS) throw new InvalidArgumentError(`expected a number of days from 1 to ${MAX_ADMISSION_DAYS}`)
  return n
}

async function readMeshKey (file: string): Promise<Uint8Array> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new Error(`cannot read mesh key ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  try {
    const k = JSON.parse(text) as { type?: unknown, privateKey?: unknown }
    if (k.type !== MESH_KEY_TYPE || typeof k.privateKey !== 'string' || !/^[0-9a-f]{64}$/.test(k.privateKey)) throw new Error('bad')
    return new Uint8Array(Buffer.from(k.privateKey, 'hex'))
  } catch {
    throw new Error(`${file} is not a mesh key written by \`relaymesh mesh keygen\``)
  }
}

/** --mesh-public-key and --admission of `node start`: both or neither; checked before the node starts. */
export async function meshAdmissionOf (publicKey: string | undefined, certificateFile: string | undefined): Promise<MeshAdmission | undefined> {
  if (publicKey === undefined && certificateFile === undefined) return undefined
  if (publicKey === undefined || certificateFile === undefined) throw new Error('a permissioned node needs both --mesh-public-key and --admission')
  const key = parseMeshPublicKey(publicKey)
  let text: string
  try {
    text = (await readFile(certificateFile, 'utf8')).trim()
  } catch (err) {
    throw new Error(`cannot read admission certificate ${certificateFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  if (text.startsWith('{')) {
    try { text = String((JSON.parse(text) as { certificate?: unknown }).certificate ?? '') } catch { text = '' }
  }
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error(`${certificateFile} is not an admission certificate written by \`relaymesh mesh admit\``)
  return { publicKey: key, certificate: new Uint8Array(Buffer.from(text, 'base64url')) }
}

export function meshCommand (): Command {
  const mesh = new Command('mesh').description('permissioned meshes: a mesh key and the certificates that admit relay nodes')
  mesh.command('keygen')
    .description('create a mesh key (Ed25519); nodes started with its public key admit only relays it certified')
    .requiredOption('--out <file>', 'where to write the private mesh key (mode 0600; keep it offline)')
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print {publicKey, file} as JSON')
    .action(async (opts: { out: string, force?: boolean, json?: boolean }) => {
      const pair = ed25519GenerateKeyPair()
      const publicKey = formatMeshPublicKey(pair.publicKey)
      const body = JSON.stringify({ type: MESH_KEY_TYPE, version: 1, privateKey: Buffer.from(pair.privateKey).toString('hex'), publicKey }) + '\n'
      try {
        await writeFile(opts.out, body, { mode: 0o600, flag: opts.force === true ? 'w' : 'wx' })
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        throw new Error(code === 'EEXIST' ? `${opts.out} exists; pass --force to overwrite it` : `cannot write ${opts.out}: ${code ?? (err as Error).message}`)
      }
      print(opts.json, { publicKey, file: opts.out }, `mesh public key: ${publicKey}\nprivate key written to ${opts.out}\nstart each node with --mesh-public-key ${publicKey} --admission <its certificate>\n`)
    })
  mesh.command('admit')
    .description('certify a relay node (by peer id, see `relaymesh node id`) as a member of the mesh; prints the certificate')
    .argument('<peer-id>', "the node's peer id")
    .requiredOption('--mesh-key <file>', 'the private mesh key from `relaymesh mesh keygen`')
    .addOption(new Option('--days <n>', 'the certificate is valid this long').argParser(days).default(365))
    .option('--out <file>', 'also write the certificate to this file (for `node start --admission`)')
    .option('--json', 'print {peerId, meshPublicKey, notAfter, certificate} as JSON')
    .action(async (peer: string, opts: { meshKey: string, days: number, out?: string, json?: boolean }) => {
      let peerId
      try {
        peerId = peerIdFromString(peer)
      } catch {
        throw new Error(`"${peer}" is not a peer id (see \`relaymesh node id --data DIR\`)`)
      }
      const seed = await readMeshKey(opts.meshKey)
      const notAfter = Date.now() + Math.round(opts.days * DAY)
      const cert = signAdmission(seed, peerId.toMultihash().bytes, notAfter)
      const meshPublicKey = ed25519PublicFromPrivate(seed)
      verifyAdmission(cert, meshPublicKey, peerId.toMultihash().bytes, Date.now()) // what every node will check
      const text = Buffer.from(cert).toString('base64url')
      if (opts.out !== undefined) await writeFile(opts.out, text + '\n', { mode: 0o600 })
      print(opts.json, { peerId: peerId.toString(), meshPublicKey: formatMeshPublicKey(meshPublicKey), notAfter, certificate: text }, text + '\n')
    })
  return mesh
}

/** `relaymesh node id`: the peer id of a data dir's node key (created if missing), to certify before the first start. */
export function nodeIdCommand (): Command {
  return new Command('id')
    .description("print this data directory's node peer id (creates the node key if there is none)")
    .option('--data <dir>', 'data directory (node key and LevelDB)', join(process.cwd(), '.relaymesh', 'node'))
    .option('--json', 'print {peerId} as JSON')
    .action(async (opts: { data: string, json?: boolean }) => {
      const key = await loadOrCreateNodeKey(opts.data)
      const peerId = peerIdFromPrivateKey(key).toString()
      print(opts.json, { peerId }, peerId + '\n')
    })
}
