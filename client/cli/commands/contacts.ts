// `relaymesh contacts add ALIAS USERID` / `contacts list` / `contacts rename OLD NEW` / `contacts remove NAME`:
// local aliases for user ids, listed with presence (online/offline, from gossip)
// when attached; removing one rotates the profile key (client/profiles).
import { Command } from 'commander'
import { USER_ID_PREFIX } from '../../../protocol/identity.js'
import { addClientOptions, withClient } from '../session.js'

export function contactsCommand (): Command {
  const contacts = new Command('contacts').description('your contacts: local aliases for user ids, with online status')
  addClientOptions(contacts.command('add'))
    .description('remember USERID under ALIAS; the alias works wherever a user id is asked for (send --to, chat, safety-number); your own id and malformed ids are refused')
    .argument('<alias>', 'a short name without spaces')
    .argument('<userId>', 'their user id (rm1…), as `relaymesh id` printed it for them')
    .option('--check', 'also ask the mesh that such a user exists (catches a typo that still looks like a user id)')
    .action(async (alias: string, userId: string, opts: { check?: boolean }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const given = userId.trim()
        // a user id is taken as given (lower-cased); anything else gets the library's "not a user id"
        const id = given.toLowerCase().startsWith(USER_ID_PREFIX) ? await client.resolveUser(given) : given
        await client.addContact(alias, id, { check: opts.check === true })
        out.emit({ event: 'contact', alias, userId: id }, `added ${alias}: ${id}`)
      })
    })
  addClientOptions(contacts.command('list'))
    .description('list your contacts with online status: shown only for contacts who added you back (they shared their profile key); "unknown" otherwise or when no node answers')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, nodes }) => {
        if (nodes.length > 0) {
          await client.connect().catch((err: Error) => { out.warn(`presence unknown: ${err.message}`) })
        }
        const list = await client.contacts()
        if (list.length === 0) out.say('no contacts yet: add one with `relaymesh contacts add ALIAS USERID`')
        for (const c of list) out.contact(c)
      })
    })
  addClientOptions(contacts.command('rename'))
    .description('give a contact a new alias (the user id stays)')
    .argument('<old>', 'the current alias')
    .argument('<new>', 'the new alias (no spaces)')
    .action(async (oldAlias: string, newAlias: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const c = await client.renameContact(oldAlias, newAlias)
        out.emit({ event: 'contact-renamed', from: oldAlias, alias: c.alias, userId: c.userId }, `renamed ${oldAlias} to ${c.alias} (${c.userId})`)
      })
    })
  addClientOptions(contacts.command('remove'))
    .description('forget a contact (every alias of that user) and rotate your profile key: they can no longer open your profile; your other contacts and devices get the new key')
    .argument('<name>', 'the contact\'s alias or user id')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const r = await client.removeContact(name)
        for (const f of r.failed) out.warn(`new profile key not delivered to ${f.userId} now (${f.error}); your next message to them carries it`)
        out.emit({ event: 'contact-removed', userId: r.userId, aliases: r.aliases, notified: r.notified, failed: r.failed.length },
          `removed ${r.aliases.join(', ')} (${r.userId}); profile key rotated, new key sent to ${r.notified} user${r.notified === 1 ? '' : 's'}`)
      }, { connect: true })
    })
  return contacts
}
