// `relaymesh group …`: create, add, remove, send, leave, rename, info, list
// (a group named by its id or its unique name). Groups
// use sender keys rotated on every membership change (docs/protocol.md, groups).
import { Command, InvalidArgumentError } from 'commander'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { addClientOptions, withClient } from '../session.js'

function memberList (value: string): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  if (ids.length === 0) throw new InvalidArgumentError('expected one or more user ids or aliases, comma-separated')
  return ids
}

export function groupCommand (): Command {
  const group = new Command('group').description('end-to-end encrypted groups (sender keys, rotated on every membership change)')

  group.addCommand(addClientOptions(new Command('create'))
    .description('create a group with the given members; prints its group id')
    .argument('<name>', 'the group\'s name')
    .requiredOption('--members <ids>', 'members: user ids or contact aliases, comma-separated', memberList)
    .action(async (name: string, opts: { members: string[] }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const members = await Promise.all(opts.members.map(async (m) => await client.resolveUser(m)))
        const { groupId } = await client.createGroup(name, members)
        out.emit({ groupId }, `created group "${name}": ${groupId}`)
      })
    }))

  const member = (verb: 'add' | 'remove'): Command => addClientOptions(new Command(verb))
    .description(verb === 'add'
      ? 'add a member; every member rotates its sender key, so the new one reads from now on'
      : 'remove a member; every remaining member rotates its sender key, so the removed one reads nothing later')
    .argument('<group>', 'the group: its id or its name')
    .argument('<user>', 'a user id or contact alias')
    .action(async (group: string, user: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const groupId = await client.resolveGroup(group)
        const userId = await client.resolveUser(user)
        if (verb === 'add') await client.addMember(groupId, userId)
        else await client.removeMember(groupId, userId)
        out.emit({ event: verb === 'add' ? 'added' : 'removed', groupId, userId }, `${verb === 'add' ? 'added' : 'removed'} ${user} ${verb === 'add' ? 'to' : 'from'} ${group}`)
      })
    })
  group.addCommand(member('add'))
  group.addCommand(member('remove'))

  group.addCommand(addClientOptions(new Command('send'))
    .description('send a message to every member; exits 0 once the mesh stored it for every member device')
    .argument('<group>', 'the group: its id or its name')
    .argument('<text...>', 'the message')
    .action(async (group: string, words: string[], _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const groupId = await client.resolveGroup(group)
        const { id } = await client.sendGroup(groupId, words.join(' '))
        out.emit({ event: 'stored', id, group: groupId }, `stored ${id} for group ${group}`)
      })
    }))

  group.addCommand(addClientOptions(new Command('leave'))
    .description('leave a group; the others rotate their sender keys')
    .argument('<group>', 'the group: its id or its name')
    .action(async (group: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const groupId = await client.resolveGroup(group)
        await client.leaveGroup(groupId)
        out.emit({ event: 'left', groupId }, `left ${group}`)
      })
    }))

  group.addCommand(addClientOptions(new Command('rename'))
    .description('rename a group')
    .argument('<group>', 'the group: its id or its name')
    .argument('<name>', 'the new name')
    .action(async (group: string, name: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const groupId = await client.resolveGroup(group)
        await client.renameGroup(groupId, name)
        out.emit({ event: 'renamed', groupId, name }, `renamed ${group} to "${name}"`)
      })
    }))

  group.addCommand(addClientOptions(new Command('info'))
    .description('a group\'s id, name and members')
    .argument('<group>', 'the group: its id or its name')
    .action(async (group: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const groupId = await client.resolveGroup(group)
        const g = (await client.groups()).find((x) => x.groupId === groupId)
        if (g === undefined) throw new RelaymeshError(ErrorCode.NotFound, `you are not a member of group ${groupId}`)
        const people = await names()
        out.emit({ groupId: g.groupId, name: g.name, members: g.members }, [`name:     ${g.name}`, `group id: ${g.groupId}`, `members:  ${g.members.map((m) => `${people.label(m)} (${m})`).join(', ')}`])
      })
    }))

  group.addCommand(addClientOptions(new Command('list'))
    .description('the groups you are a member of, with their members')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const people = await names()
        for (const g of await client.groups()) {
          out.emit({ groupId: g.groupId, name: g.name, members: g.members }, `${g.groupId}  ${g.name}  (${g.members.map((m) => people.label(m)).join(', ')})`)
        }
      })
    }))

  return group
}
