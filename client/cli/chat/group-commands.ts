// Chat commands for groups: /group list | create | open | send.
import type { SlashCommand } from './slash-commands.js'
import { showRecent } from './history-commands.js'

const USAGE = 'usage: /group list | /group create NAME USER,USER | /group open GROUP | /group send GROUP TEXT'

export const groupCommands: SlashCommand[] = [
  {
    names: ['/group'],
    help: [
      '  /group list         your groups',
      '  /group create NAME USER,USER…   a new group with those members',
      '  /group open GROUP   talk to a group (its id or name): plain lines go to it',
      '  /group send GROUP TEXT          send TEXT to a group (its id or name)'
    ],
    run: async (state, args, line) => {
      const { client, out, label } = state
      const [sub = '', ...rest] = args
      const groups = await client.groups()
      if (sub === 'list') {
        if (groups.length === 0) out.say('no groups yet: /group create NAME USER,USER')
        for (const g of groups) out.emit({ groupId: g.groupId, name: g.name, members: g.members }, `${g.groupId}  ${g.name}  (${g.members.map(label).join(', ')})`)
      } else if (sub === 'create' && rest.length === 2) {
        const members = await Promise.all((rest[1] as string).split(',').filter((x) => x !== '').map(async (u) => await client.resolveUser(u)))
        const { groupId } = await client.createGroup(rest[0] as string, members)
        state.names.setGroup(groupId, rest[0] as string)
        out.emit({ groupId }, `created group "${rest[0] as string}": ${groupId}`)
      } else if (sub === 'open' && rest.length >= 1) {
        const gid = await client.resolveGroup(rest.join(' '))
        const g = groups.find((x) => x.groupId === gid)
        if (g === undefined) { out.warn(`not a member of group ${rest[0] as string}: /group list shows yours`); return }
        state.setOpen({ userId: g.groupId, label: g.name, group: true })
        out.emit({ event: 'open', group: g.groupId }, `talking to group ${g.name}`)
        await showRecent(state, g.groupId)
      } else if (sub === 'send' && rest.length >= 2) {
        const m = /^\/group\s+send\s+(\S+)\s+(.+)$/s.exec(line)
        const groupId = await client.resolveGroup(m?.[1] as string)
        out.stored((await client.sendGroup(groupId, m?.[2] as string)).id, groupId, groups.find((g) => g.groupId === groupId)?.name)
      } else {
        out.warn(USAGE)
      }
    }
  }
]
