// The node's libp2p key, persisted in the data directory so that its peer id
// survives restarts, and its node-id puzzle nonce (so its placement position
// and the work behind it survive too).
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkDifficulty, nodeIdOf, nodeIdWork, solveNodeId } from './relays/node-id.js'

export const NODE_KEY_FILE = 'node.key'

export async function loadOrCreateNodeKey (dataDir: string): Promise<PrivateKey> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, NODE_KEY_FILE)
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new Error(`node key ${path} is corrupt; move it away to start with a new peer id`, { cause: err })
    }
  }
  const key = await generateKeyPair('Ed25519')
  // write-then-rename: a crash never leaves a half-written key behind
  const tmp = `${path}.tmp`
  await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600 })
  await rename(tmp, path)
  return key
}

export const NODE_ID_NONCE_FILE = 'node.id-nonce'

/**
 * The node-id puzzle's nonce for this key (node/relays/node-id.ts), kept beside
 * node.key: solved once per key and difficulty (2^difficulty tries on average),
 * solved again when the key changed or the kept nonce carries less work than
 * `difficulty` asks. The file: JSON { peerId, nonce (hex), work }.
 */
export async function loadOrSolveIdNonce (dataDir: string, peerId: PeerId, difficulty: number,
  onSolve?: (info: { difficulty: number, tries: number, ms: number }) => void,
  onStart?: (info: { difficulty: number, expectedTries: number }) => void): Promise<Uint8Array> {
  checkDifficulty(difficulty)
  const path = join(dataDir, NODE_ID_NONCE_FILE)
  const peerBytes = peerId.toMultihash().bytes
  try {
    const kept = JSON.parse(await readFile(path, 'utf8')) as { peerId?: unknown, nonce?: unknown }
    if (kept.peerId === peerId.toString() && typeof kept.nonce === 'string' && /^([0-9a-f]{2}){0,32}$/.test(kept.nonce)) {
      const nonce = new Uint8Array(Buffer.from(kept.nonce, 'hex'))
      if (nodeIdWork(nodeIdOf(peerBytes, nonce)) >= difficulty) return nonce
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err
  }
  const t0 = Date.now()
  onStart?.({ difficulty, expectedTries: 2 ** difficulty })
  const solved = solveNodeId(peerBytes, difficulty)
  onSolve?.({ difficulty, tries: solved.tries, ms: Date.now() - t0 })
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const tmp = `${path}.tmp`
  await writeFile(tmp, JSON.stringify({ peerId: peerId.toString(), nonce: Buffer.from(solved.nonce).toString('hex'), work: nodeIdWork(solved.nodeId) }) + '\n', { mode: 0o600 })
  await rename(tmp, path)
  return solved.nonce
}

/** Keep `nonce` as this data dir's puzzle nonce for `peerId` (tests that choose their position; operators never need it). */
export async function saveIdNonce (dataDir: string, peerId: PeerId, nonce: Uint8Array): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await writeFile(join(dataDir, NODE_ID_NONCE_FILE), JSON.stringify({ peerId: peerId.toString(), nonce: Buffer.from(nonce).toString('hex') }) + '\n', { mode: 0o600 })
}
