// `relaymesh outbox [--json]`: the messages that wait for a relay node to
// store them (client/outbox), oldest first. Local: nothing is sent or asked;
// any command that attaches (recv, chat, send…) sends them.
// --json: one {"id","to"|"group","text","queuedAt","sentAt","attempts","lastError"} per line.
import { Command } from 'commander'
import type { OutboxEntry } from '../../types.js'
import { addClientOptions, withClient } from '../session.js'
import { hhmm } from '../chat/ticks.js'

export function queuedLine (id: string, label: string): string {
  return `queued for ${label}: no relay node stored it yet; it stays in the outbox and goes out on the next attach (recv, chat, send…) (message ${id})`
}

export function outboxJson (e: OutboxEntry): Record<string, unknown> {
  return {
    id: e.id,
    ...(e.group !== undefined ? { group: e.group } : { to: e.to }),
    text: e.text,
    queuedAt: e.queuedAt,
    sentAt: e.sentAt,
    attempts: e.attempts,
    lastError: e.lastError ?? null
  }
}

export function outboxCommand (): Command {
  return addClientOptions(new Command('outbox'))
    .description('messages waiting for a relay node to store them; they go out on the next attach (recv, chat, send…)')
    .addHelpText('after', '\n--json: one {"id","to"|"group","text","queuedAt","sentAt","attempts","lastError"} per line, oldest first.')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const people = await names()
        const groups = new Map((await client.groups()).map((g) => [g.groupId, g.name]))
        const list = await client.outbox()
        if (list.length === 0) out.say('the outbox is empty')
        for (const e of list) {
          const where = e.group !== undefined ? `group ${groups.get(e.group) ?? e.group}` : people.label(e.to as string)
          const tries = e.attempts === 0 ? 'not tried yet' : `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}${e.lastError !== undefined ? `, last: ${e.lastError}` : ''}`
          out.emit(outboxJson(e), `[${hhmm(e.queuedAt)}] → ${where}: ${e.text}  (${tries}; message ${e.id})`)
        }
      })
    })
}
