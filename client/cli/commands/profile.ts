// `relaymesh profile set --name NAME [--avatar FILE]` / `profile show [USER]`:
// a display name and an avatar, encrypted under your profile key. Contacts
// you message get the key end to end (and a new one when you remove a
// contact); relays hold only ciphertext (docs/protocol.md, "Profiles").
import { Command } from 'commander'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { MAX_AVATAR_BYTES, MAX_PROFILE_NAME_LENGTH } from '../../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { addClientOptions, withClient } from '../session.js'

/** The avatar file, refused before reading when larger than MAX_AVATAR_BYTES. */
async function readAvatar (path: string): Promise<Uint8Array> {
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new Error('not a regular file')
    size = s.size
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Invalid, `cannot read avatar ${path}: ${(err as Error).message}`, { cause: err })
  }
  if (size > MAX_AVATAR_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `avatar ${path} is ${size} bytes; at most ${MAX_AVATAR_BYTES} (a small thumbnail)`)
  return new Uint8Array(await readFile(path))
}

export function profileCommand (): Command {
  const profile = new Command('profile').description('your display name and avatar, shared end to end with your contacts only')
  profile.addCommand(addClientOptions(new Command('set'))
    .description('set your profile: encrypted under your profile key and published; contacts you message can open it')
    .requiredOption('--name <name>', `display name, 1-${MAX_PROFILE_NAME_LENGTH} characters, no control characters`)
    .option('--avatar <file>', `a PNG, JPEG, GIF or WebP image of at most ${MAX_AVATAR_BYTES} bytes`)
    .action(async (opts: { name: string, avatar?: string }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const avatar = opts.avatar !== undefined ? await readAvatar(opts.avatar) : undefined
        const view = await client.setProfile({ name: opts.name, ...(avatar !== undefined ? { avatar } : {}) })
        out.profile(view)
      })
    }))
  profile.addCommand(addClientOptions(new Command('show'))
    .description('show a profile: yours, or USER\'s when they shared their profile key with you (by messaging you as a contact)')
    .argument('[user]', 'a user id (rm1…) or a contact alias [default: you]')
    .option('--save-avatar <file>', 'write the avatar image to FILE')
    .action(async (user: string | undefined, opts: { saveAvatar?: string }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const userId = user === undefined ? client.userId : await client.resolveUser(user)
        const view = await client.profileOf(userId)
        if (view === undefined) {
          throw new RelaymeshError(ErrorCode.NotFound, userId === client.userId
            ? 'you have not set a profile: `relaymesh profile set --name NAME`'
            : `${user ?? userId} has not shared a profile with you, or has set none`)
        }
        let saved: string | undefined
        if (opts.saveAvatar !== undefined) {
          if (view.avatar === undefined) throw new RelaymeshError(ErrorCode.NotFound, `${user ?? 'your profile'} has no avatar to save`)
          await writeFile(opts.saveAvatar, view.avatar.bytes, { mode: 0o600 })
          saved = opts.saveAvatar
        }
        out.profile(view, saved)
      })
    }))
  return profile
}
