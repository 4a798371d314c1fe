// `relaymesh config set|get|list`: the home's plain config file (0600): which
// relay nodes to attach to. No passphrase needed: it holds no secret.
import { Command } from 'commander'
import { CONFIG_KEYS, configPath, getConfigValue, readConfig, setConfigValue } from '../../config.js'
import { Output } from '../output.js'
import { addClientOptions, globalOptions } from '../session.js'

export function configCommand (): Command {
  const config = new Command('config').description(`settings kept in the home's config file (keys: ${CONFIG_KEYS.join(', ')})`)
  addClientOptions(config.command('set'), { node: false })
    .description('set a key: `config set node MULTIADDR [MULTIADDR…]` (the relay nodes to attach to, tried in order)')
    .argument('<key>', `one of: ${CONFIG_KEYS.join(', ')}`)
    .argument('<values...>', 'the value(s)')
    .action(async (key: string, values: string[], _opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd)
      const updated = await setConfigValue(g.home, key, values)
      new Output(g.json).emit({ event: 'config', key, value: updated.node ?? [] }, `${key} = ${values.join(' ')} (saved in ${configPath(g.home)})`)
    })
  addClientOptions(config.command('get'), { node: false })
    .description('print the value of a key')
    .argument('<key>', `one of: ${CONFIG_KEYS.join(', ')}`)
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd)
      const value = await getConfigValue(g.home, key)
      new Output(g.json).emit({ key, value: value ?? null }, value === undefined ? `${key} is not set` : value.join('\n'))
    })
  addClientOptions(config.command('list'), { node: false })
    .description('print every key that is set')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd)
      const out = new Output(g.json)
      const all = await readConfig(g.home)
      for (const key of CONFIG_KEYS) {
        const value = all[key]
        if (value !== undefined) out.emit({ key, value }, `${key} = ${value.join(' ')}`)
      }
      if (Object.keys(all).length === 0) out.say(`nothing set in ${configPath(g.home)}`)
    })
  return config
}
