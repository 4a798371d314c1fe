// The node's libp2p key, persisted in the data directory so that its peer id
// (and so its place in the kad-dht key space) survives restarts.
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

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
