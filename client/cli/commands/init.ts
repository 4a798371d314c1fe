// `relaymesh init`: create an identity (device 1) in the home, and publish
// it through a relay node when one is known, so others can write at once.
import { Command, InvalidArgumentError } from 'commander'
import { initIdentity, openClient } from '../../client.js'
import { Output } from '../output.js'
import { getPassphrase } from '../passphrase.js'
import { addClientOptions, checkBeforePassphrase, exitSoon, globalOptions, installLastResort, nodesFor } from '../session.js'

export const MAX_NAME_LENGTH = 64

function displayName (value: string): string {
  // eslint-disable-next-line no-control-regex
  if (value.length === 0 || value.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError(`expected 1-${MAX_NAME_LENGTH} printable characters`)
  }
  return value
}

export function initCommand (): Command {
  return addClientOptions(new Command('init'))
    .description('create your identity (user id and device 1) in the home folder, sealed with your passphrase; with a node configured, publish it there')
    .option('--name <name>', 'a display name kept with your identity', displayName)
    .action(async (opts: { name?: string }, cmd: Command) => { await init(cmd, opts) })
}

export async function init (cmd: Command, opts: { name?: string }): Promise<void> {
  installLastResort()
  const g = globalOptions(cmd)
  const out = new Output(g.json)
  const nodes = await nodesFor(g)
  checkBeforePassphrase(g, 'new')
  const passphrase = await getPassphrase({ confirm: true })
  const created = await initIdentity(g.home, passphrase, opts.name !== undefined ? { name: opts.name } : {})
  out.identity({ ...created, name: opts.name })
  if (nodes.length === 0) {
    out.warn('no relay node configured yet: run `relaymesh config set node MULTIADDR`; your identity is published the first time you attach')
    return
  }
  // best effort: the identity exists either way, and every attach publishes it again
  const client = await openClient({ home: g.home, passphrase, nodes })
  try {
    await client.connect()
  } catch (err) {
    out.warn(`identity created, but not published yet (${(err as Error).message}); it is published the next time you attach (e.g. \`relaymesh recv\`)`)
  } finally {
    await client.close()
    exitSoon()
  }
}
