// `relaymesh web [--listen HOST:PORT] [--node MULTIADDR]… [--json]`: serve the
// web client (dist/web, built by `npm run build`) and the relay nodes it
// attaches to (/config.json), and print the URL to open. Runs until Ctrl-C.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { collect, globalOptions, nodesFor } from '../session.js'
import { DEFAULT_WEB_LISTEN } from '../web/constants.js'
import { startStaticServer } from '../web/static-server.js'
import { webNodes } from '../web/web-nodes.js'

/** dist/web beside this build (dist/client/cli/commands → dist/web) */
export const WEB_ROOT = resolve(import.meta.dirname, '..', '..', '..', 'web')

export function parseListen (value: string): { host: string, port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(value)
  const port = m === null ? NaN : Number(m[2])
  if (m === null || port > 65535) throw new InvalidArgumentError('expected HOST:PORT, for example 127.0.0.1:8080 (port 0: any free port)')
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port }
}

export function webCommand (): Command {
  return new Command('web')
    .description('serve the web client (a browser chats through a relay node\'s /ws address) and print its URL')
    .addOption(new Option('--listen <host:port>', 'where to serve the page (port 0: any free port)').argParser(parseListen).default(parseListen(DEFAULT_WEB_LISTEN), DEFAULT_WEB_LISTEN))
    .option('--node <multiaddr>', 'a relay node\'s /ws address for the page (repeatable, tried in order) [default: the /ws addresses of the configured nodes, else the node running from ./.relaymesh/node]', collect)
    .option('--json', 'print {"event":"listening","url":…} as one JSON line')
    .addHelpText('after', '\nThe page gets only static files from this server; it talks to relay nodes over libp2p WebSockets (end to end encrypted) and keeps its identity in the browser (IndexedDB, sealed under your passphrase).')
    .action(async (opts: { listen: { host: string, port: number } }, cmd: Command) => { await web(cmd, opts.listen) })
}

async function web (cmd: Command, listen: { host: string, port: number }): Promise<void> {
  const options = globalOptions(cmd)
  if (!existsSync(join(WEB_ROOT, 'index.html')) || !existsSync(join(WEB_ROOT, 'app.js'))) {
    throw new RelaymeshError(ErrorCode.NotFound, `the web client is not built (no ${WEB_ROOT}/app.js): run \`npm run build\` in the relaymesh folder`)
  }
  const picked = await webNodes(await nodesFor(options, 'ws'))
  for (const note of picked.notes) process.stderr.write(`relaymesh: ${note}\n`)
  if (picked.nodes.length === 0) process.stderr.write('relaymesh: no relay node for the page: start one (`npm start`, or `relaymesh node start` in this folder) or give one with --node /ip4/…/tcp/…/ws/p2p/… (`relaymesh node start` prints it)\n')
  const server = await startStaticServer({ root: WEB_ROOT, host: listen.host, port: listen.port, config: { nodes: picked.nodes } })
  if (options.json) process.stdout.write(JSON.stringify({ event: 'listening', url: server.url, nodes: picked.nodes }) + '\n')
  else process.stdout.write(`relaymesh web: open ${server.url} (relay nodes: ${picked.nodes.length > 0 ? picked.nodes.join(', ') : 'none'}; Ctrl-C stops)\n`)
  await new Promise<void>((done) => {
    const stop = (): void => { server.close().finally(() => { done() }) }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
