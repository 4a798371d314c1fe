// The addresses of a node running from a data directory, for the commands
// on the same machine: `relaymesh node start` writes <data>/node.addresses.json
// (0600) once it listens and deletes it when it stops; `relaymesh web` and the
// chat commands, given no --node and no configured node, use the node running
// from the default data directory (./.relaymesh/node), so that `npm start`
// then `npm run web` (or `relaymesh send`) needs no address copied by hand.
// A file whose process is gone (a crash) is ignored.
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const LOCAL_NODE_FILE = 'node.addresses.json'
/** the file is written by us and tiny: anything larger is not ours */
const MAX_LOCAL_NODE_FILE_BYTES = 16 * 1024

export interface LocalNode { pid: number, peerId: string, multiaddrs: string[] }

export async function writeLocalNodeFile (dataDir: string, node: Omit<LocalNode, 'pid'>): Promise<void> {
  const path = join(dataDir, LOCAL_NODE_FILE)
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify({ pid: process.pid, peerId: node.peerId, multiaddrs: node.multiaddrs }) + '\n', { mode: 0o600 })
  await rename(tmp, path)
}

export async function removeLocalNodeFile (dataDir: string): Promise<void> {
  await rm(join(dataDir, LOCAL_NODE_FILE), { force: true })
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The node running from `dataDir` (default ./.relaymesh/node), or undefined when none is. */
export async function readLocalNode (dataDir = join(process.cwd(), '.relaymesh', 'node')): Promise<LocalNode | undefined> {
  let text: string
  try {
    text = await readFile(join(dataDir, LOCAL_NODE_FILE), 'utf8')
  } catch {
    return undefined
  }
  if (text.length > MAX_LOCAL_NODE_FILE_BYTES) return undefined
  try {
    const j = JSON.parse(text) as Partial<LocalNode>
    if (!Number.isSafeInteger(j.pid) || typeof j.peerId !== 'string' || !Array.isArray(j.multiaddrs)) return undefined
    const multiaddrs = j.multiaddrs.filter((a): a is string => typeof a === 'string' && a.startsWith('/'))
    return alive(j.pid as number) ? { pid: j.pid as number, peerId: j.peerId, multiaddrs } : undefined
  } catch {
    return undefined
  }
}

/** Its addresses of one kind, loopback first (the commands run on the same machine). */
export function localAddresses (node: LocalNode, kind: 'tcp' | 'ws'): string[] {
  const ws = (a: string): boolean => /\/ws(\/|$)/.test(a)
  const picked = node.multiaddrs.filter((a) => kind === 'ws' ? ws(a) : !ws(a))
  return [...picked.filter((a) => a.startsWith('/ip4/127.0.0.1/')), ...picked.filter((a) => !a.startsWith('/ip4/127.0.0.1/'))]
}
