// What every chat command shares: the global options (--home, --node,
// --json), the passphrase, opening the client with errors a person can act
// on, and closing it on every path (also on Ctrl-C), so no command leaves the
// store locked or prints a stack trace.
import pino from 'pino'
import { Command, Option } from 'commander'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { openClient, type Client } from '../client.js'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { checkNodeAddress, readConfig, resolveHome } from '../config.js'
import { localAddresses, readLocalNode } from '../../node/cli/local-node-file.js'
import { STORE_FOLDER } from '../store/sealed-store.js'
import { Output } from './output.js'
import { DisplayNames } from '../profiles/display-name.js'
import { getPassphrase } from './passphrase.js'

/** log level of the client library on stderr (default: silent) */
export const LOG_ENV = 'RELAYMESH_LOG'

export interface GlobalOptions {
  home: string
  /** --node values, nearest command first; undefined when none was given */
  nodes: string[] | undefined
  json: boolean
}

export function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

const has = (cmd: Command, flag: string): boolean => cmd.options.some((o) => o.long === flag)

/**
 * --home, --node and --json on a command (also accepted before the subcommand, on the root).
 * `node: false`: the command never attaches; --node is still accepted (hidden), so the same
 * options work after every command.
 */
export function addClientOptions (cmd: Command, options: { node?: boolean } = {}): Command {
  if (!has(cmd, '--home')) cmd.option('--home <dir>', 'client home folder [default: $RELAYMESH_HOME, else ~/.relaymesh]')
  if (!has(cmd, '--node')) {
    const node = new Option('--node <multiaddr>', 'relay node to attach to, with /p2p/<peer id> (repeatable, tried in order) [default: from `relaymesh config`, else the node running from ./.relaymesh/node]').argParser(collect)
    cmd.addOption(options.node === false ? node.hideHelp() : node)
  }
  if (!has(cmd, '--json')) cmd.option('--json', 'one JSON object per line on stdout')
  return cmd
}

/**
 * The global options on every client command below `root` and on the groups
 * between (`relaymesh group --home H list`, `relaymesh contacts list --json`),
 * whoever added the command; `skip` names top-level commands that are not
 * client commands (`node`, `mesh`: their options are their own).
 */
export function addClientOptionsEverywhere (root: Command, skip: readonly string[]): void {
  const walk = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      if (cmd === root && skip.includes(sub.name())) continue
      addClientOptions(sub, { node: has(sub, '--node') })
      walk(sub)
    }
  }
  walk(root)
}

/** The options of `cmd` and its ancestors; the nearest command that set one wins. */
export function globalOptions (cmd: Command): GlobalOptions {
  let home: string | undefined
  let nodes: string[] | undefined
  let json = false
  for (let c: Command | null = cmd; c !== null; c = c.parent) {
    const o = c.opts<{ home?: string, node?: string[], json?: boolean }>()
    home ??= o.home
    if (nodes === undefined && o.node !== undefined && o.node.length > 0) nodes = o.node
    if (o.json === true) json = true
  }
  return { home: resolveHome(home), nodes, json }
}

/**
 * --node when given, else the home's config, else the node running from
 * ./.relaymesh/node on this machine (node/cli/local-node-file.ts), else none
 * (connect() then says how to configure one).
 */
export async function nodesFor (options: GlobalOptions, kind: 'tcp' | 'ws' = 'tcp'): Promise<string[]> {
  if (options.nodes !== undefined) return options.nodes
  const configured = (await readConfig(options.home)).node ?? []
  if (configured.length > 0) return configured
  const local = await readLocalNode()
  return local === undefined ? [] : localAddresses(local, kind)
}

export interface Session {
  client: Client
  out: Output
  options: GlobalOptions
  nodes: string[]
  /** how people are shown: contact aliases, else profile names last opened, else short ids (local store, no network) */
  names: () => Promise<DisplayNames>
}

/**
 * Unlock the home's client, run `fn`, close the client on every path.
 * Ctrl-C (SIGINT) or SIGTERM closes the client too and exits 130 / 143.
 */
export async function withClient<T> (cmd: Command, fn: (s: Session) => Promise<T>, options: { connect?: boolean } = {}): Promise<T> {
  installLastResort()
  const opts = globalOptions(cmd)
  const out = new Output(opts.json)
  const nodes = await nodesFor(opts)
  checkBeforePassphrase(opts, 'existing')
  const passphrase = await getPassphrase()
  const client = await open(opts.home, passphrase, nodes)
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => { closing ??= client.close(); await closing }
  const onSignal = (signal: NodeJS.Signals): void => {
    process.exitCode = signal === 'SIGINT' ? 130 : 143
    close().finally(() => { process.exit() })
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    if (options.connect === true) await client.connect()
    return await fn({
      client,
      out,
      options: opts,
      nodes,
      names: async () => new DisplayNames(new Map((await client.contacts()).map((c) => [c.userId, c.alias])), await client.profileNames(), new Map((await client.groups()).map((g) => [g.groupId, g.name])))
    })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await close().catch(() => {})
    exitSoon()
  }
}

/**
 * The checks that need no passphrase, made before one is asked: the home is
 * initialised (or, for `init`, not yet), and every --node parses as a node
 * address. A person then never types a passphrase for a command that fails anyway.
 */
export function checkBeforePassphrase (options: GlobalOptions, home: 'existing' | 'new'): void {
  const initialised = existsSync(join(options.home, STORE_FOLDER, 'CURRENT'))
  if (home === 'existing' && !initialised) throw new RelaymeshError(ErrorCode.NotFound, `no identity in ${options.home}: run \`relaymesh init\` first`)
  if (home === 'new' && initialised) throw new RelaymeshError(ErrorCode.Invalid, `${options.home} is already initialised (a local store exists)`)
  for (const node of options.nodes ?? []) checkNodeAddress(node)
}

async function open (home: string, passphrase: string, nodes: string[]): Promise<Client> {
  const level = process.env[LOG_ENV]
  const log = level !== undefined && level !== '' ? pino({ level }, pino.destination(2)) : undefined
  try {
    // the CLI holds strangers' first messages as requests (`relaymesh requests`)
    return await openClient({ home, passphrase, nodes, messageRequests: true, ...(log !== undefined ? { log } : {}) })
  } catch (err) {
    throw explainOpenError(err, home)
  }
}

/** Open errors a person can act on: the store's own messages, plus LevelDB's reason for a corrupted store. */
export function explainOpenError (err: unknown, home: string): Error {
  if (RelaymeshError.is(err)) {
    if (err.code !== ErrorCode.InvalidState || /in use by another/.test(err.message)) return err
    const root = rootCause(err)
    const reason = root !== err && root.message !== '' && !err.message.includes(root.message) ? ` (${root.message})` : ''
    const hint = /backup/.test(err.message) ? '' : `; the local store is damaged: restore ${home} from a backup, or move it away and run \`relaymesh init\` again`
    return new RelaymeshError(ErrorCode.InvalidState, `${err.message}${reason}${hint}`, { cause: err })
  }
  return new RelaymeshError(ErrorCode.InvalidState, `cannot open the local store in ${home}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
}

function rootCause (err: Error): Error {
  let e = err
  for (let i = 0; i < 8 && e.cause instanceof Error; i++) e = e.cause
  return e
}

/**
 * Everything is closed when a command returns; should a stray libp2p timer
 * or socket still hold the event loop, leave anyway (stdout to a pipe or
 * file is written synchronously on Linux, so nothing printed is lost).
 */
export function exitSoon (ms = 2_000): void {
  setTimeout(() => { process.exit() }, ms).unref()
}

/** An unexpected failure outside a command's await chain: one line, no stack trace. */
let lastResort = false
export function installLastResort (): void {
  if (lastResort) return
  lastResort = true
  const report = (err: unknown): void => {
    process.stderr.write(`relaymesh: internal error: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  }
  process.on('uncaughtException', report)
  process.on('unhandledRejection', report)
}
