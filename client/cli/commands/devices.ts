// `relaymesh devices link | join CODE | list | remove DEVICEID`: linking a
// new device to your identity with a one-time pairing code, and managing
// the device list (docs/protocol.md §8c).
import { Command, InvalidArgumentError } from 'commander'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { joinDevice, openClient } from '../../client.js'
import { readConfig, setConfigValue } from '../../config.js'
import { Output } from '../output.js'
import { getPassphrase } from '../passphrase.js'
import { addClientOptions, exitSoon, globalOptions, installLastResort, nodesFor, withClient } from '../session.js'

/** waits longer than an hour are a mistake (a code is valid for 10 minutes) */
export const MAX_DEVICE_WAIT_SECONDS = 3_600

function seconds (value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_DEVICE_WAIT_SECONDS) throw new InvalidArgumentError(`expected seconds from 1 to ${MAX_DEVICE_WAIT_SECONDS}`)
  return n
}

function deviceIdArg (value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a device id (a positive number, as `relaymesh devices list` shows)')
  return n
}

function time (ms: number): string {
  return new Date(ms).toLocaleTimeString()
}

export function devicesCommand (): Command {
  const devices = new Command('devices').description('your devices: link a new one with a pairing code, list them, remove one')

  addClientOptions(devices.command('link'))
    .description('on a device you already use: print a one-time pairing code for `relaymesh devices join CODE` on the new device, then wait for it')
    .option('--wait <seconds>', 'how long to wait for the new device', seconds, 300)
    .action(async (opts: { wait: number }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const { code, linkId, expiresAt } = await client.startLink()
        out.emit({ event: 'pairing-code', code, expiresAt }, [
          `pairing code (works once, until ${time(expiresAt)}):`,
          '',
          `  ${code}`,
          '',
          'on the new device run: relaymesh devices join <code> --home <its own home> --node <a relay node>'
        ])
        if (!out.json) out.warn(`waiting up to ${opts.wait} s for the new device… (Ctrl-C stops waiting; a later \`relaymesh recv\` still completes the link)`)
        const { deviceId } = await client.awaitLink(linkId, {
          timeoutMs: opts.wait * 1000,
          onRejected: () => { out.warn('a link request with a wrong or expired pairing code was ignored') }
        })
        out.emit({ event: 'linked', deviceId: String(deviceId) }, `device ${deviceId} linked: it now receives your messages and sees the ones you send`)
      }, { connect: true })
    })

  addClientOptions(devices.command('join'))
    .description('on the new device: link it to your identity with the code `relaymesh devices link` printed (use a new --home)')
    .argument('<code>', 'the pairing code')
    .option('--wait <seconds>', 'how long to wait for the answer of your other device', seconds, 120)
    .action(async (code: string, opts: { wait: number }, cmd: Command) => { await join(cmd, code, opts.wait) })

  addClientOptions(devices.command('list'))
    .description('list the devices of your identity (with online status when a node answers)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, nodes }) => {
        if (nodes.length > 0) await client.connect().catch((err: Error) => { out.warn(`showing the local list; no node answered: ${err.message}`) })
        const { devices: list, removed } = await client.devices()
        if (removed) out.warn('this device was removed from your device list by another of your devices: it receives nothing new')
        for (const d of list) {
          const status = d.online === null ? 'unknown' : d.online ? 'online' : 'offline'
          out.emit({ deviceId: String(d.deviceId), current: d.current, online: d.online }, `device ${String(d.deviceId).padEnd(4)} ${status.padEnd(8)}${d.current ? ' (this device)' : ''}`)
        }
      })
    })

  addClientOptions(devices.command('remove'))
    .description('remove a device from your device list (from another of your devices): nothing new reaches it')
    .argument('<deviceId>', 'the device id, as `relaymesh devices list` shows it', deviceIdArg)
    .action(async (deviceId: number, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        await client.removeDevice(deviceId)
        out.emit({ event: 'removed', deviceId: String(deviceId) }, `device ${deviceId} removed: new messages no longer reach it`)
      }, { connect: true })
    })
  return devices
}

async function join (cmd: Command, code: string, waitSeconds: number): Promise<void> {
  installLastResort()
  const g = globalOptions(cmd)
  const out = new Output(g.json)
  const nodes = await nodesFor(g)
  if (nodes.length === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'no relay node configured: pass --node MULTIADDR (the new device needs one to reach your other device)')
  const passphrase = await getPassphrase({ confirm: true })
  try {
    const joined = await joinDevice({
      home: g.home,
      passphrase,
      nodes,
      code,
      timeoutMs: waitSeconds * 1000,
      onProgress: () => { if (!out.json) out.warn(`request sent; waiting up to ${waitSeconds} s for your other device to answer…`) }
    })
    out.identity(joined)
    // the new home remembers the node it was linked through (as `config set node` would), unless it has nodes already
    if (g.nodes !== undefined && (await readConfig(g.home)).node === undefined) {
      await setConfigValue(g.home, 'node', g.nodes)
      out.warn(`saved ${g.nodes.join(', ')} as this home's relay node (\`relaymesh config\` changes it)`)
    }
    // publish this device's prekeys now, so others can write to it at once (every attach does it again)
    const client = await openClient({ home: g.home, passphrase, nodes })
    try {
      await client.connect()
    } catch (err) {
      out.warn(`linked, but not published yet (${(err as Error).message}); it is published the next time you attach (e.g. \`relaymesh recv\`)`)
    } finally {
      await client.close()
    }
  } finally {
    exitSoon()
  }
}
