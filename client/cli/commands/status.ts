// `relaymesh status MESSAGE_ID [--json]`: the delivery state of a message sent
// from this device (client/receipts): queued / sending / stored on N relays /
// delivered / read, and per recipient who has it and who read it. Local: the
// state is what this device has recorded (receipts arrive with recv or chat).
// --json: {"id","state","storedOn","deliveredTo":[…],"readBy":[…],"to"|"group","recipients","sentAt"}.
import { Command } from 'commander'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { MessageStatus } from '../../types.js'
import { addClientOptions, withClient } from '../session.js'
import { hhmm, tickOf } from '../chat/ticks.js'

export function statusJson (s: MessageStatus): Record<string, unknown> {
  return {
    id: s.id,
    state: s.state,
    storedOn: s.storedOn,
    deliveredTo: s.deliveredTo,
    readBy: s.readBy,
    ...(s.group !== undefined ? { group: s.group } : { to: s.to }),
    recipients: s.recipients,
    sentAt: s.sentAt,
    ...(s.error !== undefined ? { error: s.error } : {})
  }
}

export function statusCommand (): Command {
  return addClientOptions(new Command('status'))
    .description('delivery state of a message you sent from this device: queued, sending, stored on N relays, delivered, read (per recipient for a group)')
    .argument('<message-id>', 'the id `send` printed (32 hex digits)')
    .addHelpText('after', '\n--json: {"id","state","storedOn","deliveredTo":[…],"readBy":[…],"to"|"group","recipients","sentAt"}')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const wanted = id.trim().toLowerCase()
        if (!/^[0-9a-f]{32}$/.test(wanted)) throw new RelaymeshError(ErrorCode.Invalid, `not a message id: ${id} (32 hex digits, as send printed it)`)
        const s = await client.messageStatus(wanted)
        if (s === undefined) throw new RelaymeshError(ErrorCode.NotFound, `no message ${wanted} was sent from this device`)
        const people = await names()
        const list = (users: string[]): string => users.length === 0 ? '-' : users.map((u) => people.label(u)).join(', ')
        const dest = s.group !== undefined ? `group ${(await client.groups()).find((g) => g.groupId === s.group)?.name ?? s.group}` : people.label(s.to as string)
        out.emit(statusJson(s), [
          `message ${s.id} to ${dest}, sent ${hhmm(s.sentAt)}`,
          `state:        ${s.state}${s.storedOn > 0 ? ` (stored on ${s.storedOn} relay${s.storedOn === 1 ? '' : 's'})` : ''}  ${tickOf(s)}`,
          `delivered to: ${list(s.deliveredTo)}${s.group !== undefined ? ` (${s.deliveredTo.length}/${s.recipients.length})` : ''}`,
          `read by:      ${list(s.readBy)}${s.group !== undefined ? ` (${s.readBy.length}/${s.recipients.length})` : ''}`,
          ...(s.error !== undefined ? [`error:        ${s.error}`] : [])
        ])
      })
    })
}
