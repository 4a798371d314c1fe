// The client home folder and its small unsealed config file (which relay
// nodes to use). The config holds no secret, only public node addresses, so
// it is plain JSON beside the sealed store; it is still kept 0600 in a 0700
// home, like everything else there.
import { multiaddr } from '@multiformats/multiaddr'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { ErrorCode, RelaymeshError } from '../protocol/errors.js'
import { DIR_MODE, FILE_MODE } from './store/permissions.js'

export const HOME_ENV = 'RELAYMESH_HOME'
export const DEFAULT_HOME_FOLDER = '.relaymesh'
export const CONFIG_FILE = 'config.json'
/** a config file larger than this is not ours */
export const MAX_CONFIG_BYTES = 64 * 1024
/** node addresses kept in the config */
export const MAX_CONFIG_NODES = 16

export interface RelaymeshConfig {
  /** relay node multiaddrs (with /p2p/<peer id>), tried in order */
  node?: string[]
}

export type ConfigKey = keyof RelaymeshConfig
export const CONFIG_KEYS: readonly ConfigKey[] = ['node']

/** `--home`, else $RELAYMESH_HOME, else ~/.relaymesh; always absolute. */
export function resolveHome (home?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (home !== undefined && home !== '') return resolve(home)
  const fromEnv = env[HOME_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv)
  return join(homedir(), DEFAULT_HOME_FOLDER)
}

export function configPath (home: string): string {
  return join(home, CONFIG_FILE)
}

/** A relay node address the client can dial: a valid multiaddr naming the node's peer id. */
export function checkNodeAddress (address: string): string {
  let components
  try {
    components = multiaddr(address.trim()).getComponents()
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Invalid, `not a multiaddr: ${address} (${(err as Error).message})`, { cause: err })
  }
  if (!components.some((c) => c.name === 'p2p')) {
    throw new RelaymeshError(ErrorCode.Invalid, `node address ${address} has no /p2p/<peer id> part (copy it from the node's "listening on" lines)`)
  }
  return address.trim()
}

export function isConfigKey (key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key)
}

/** The config of `home`: {} when there is none; InvalidState when the file is not one of ours. */
export async function readConfig (home: string): Promise<RelaymeshConfig> {
  const path = configPath(home)
  if (!existsSync(path)) return {}
  let raw: Buffer
  try {
    raw = await readFile(path)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.InvalidState, `cannot read ${path}: ${(err as Error).message}`, { cause: err })
  }
  if (raw.byteLength > MAX_CONFIG_BYTES) throw new RelaymeshError(ErrorCode.InvalidState, `${path} is too large to be a relaymesh config file`)
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new RelaymeshError(ErrorCode.InvalidState, `${path} is not valid JSON (fix it or delete it and run \`relaymesh config set node MULTIADDR\`)`, { cause: err })
  }
  return validateConfig(parsed, path)
}

function validateConfig (value: unknown, path: string): RelaymeshConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RelaymeshError(ErrorCode.InvalidState, `${path} is not a relaymesh config (expected a JSON object)`)
  const out: RelaymeshConfig = {}
  const node = (value as { node?: unknown }).node
  if (node !== undefined) {
    if (!Array.isArray(node) || node.length > MAX_CONFIG_NODES || !node.every((n) => typeof n === 'string')) {
      throw new RelaymeshError(ErrorCode.InvalidState, `${path}: "node" must be a list of at most ${MAX_CONFIG_NODES} multiaddrs`)
    }
    out.node = node.map(checkNodeAddress)
  }
  return out
}

/** Write the whole config atomically (temp file, then rename), 0600, creating the home (0700) if needed. */
export async function writeConfig (home: string, config: RelaymeshConfig): Promise<void> {
  await mkdir(home, { recursive: true, mode: DIR_MODE })
  const path = configPath(home)
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(config, null, 2) + '\n', { mode: FILE_MODE })
  await chmod(tmp, FILE_MODE) // writeFile's mode is filtered by the umask
  await rename(tmp, path)
}

/** Set one key (validated) and return the new config. */
export async function setConfigValue (home: string, key: string, values: string[]): Promise<RelaymeshConfig> {
  if (!isConfigKey(key)) throw new RelaymeshError(ErrorCode.Invalid, `unknown config key "${key}" (known: ${CONFIG_KEYS.join(', ')})`)
  if (values.length === 0) throw new RelaymeshError(ErrorCode.Invalid, `config set ${key} needs a value`)
  if (values.length > MAX_CONFIG_NODES) throw new RelaymeshError(ErrorCode.Invalid, `at most ${MAX_CONFIG_NODES} node addresses`)
  const config = await readConfig(home)
  config.node = values.map(checkNodeAddress)
  await writeConfig(home, config)
  return config
}

export async function getConfigValue (home: string, key: string): Promise<string[] | undefined> {
  if (!isConfigKey(key)) throw new RelaymeshError(ErrorCode.Invalid, `unknown config key "${key}" (known: ${CONFIG_KEYS.join(', ')})`)
  return (await readConfig(home))[key]
}
