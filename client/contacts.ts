// Contacts: local aliases for user ids, and the identity keys of peers we
// have met (for safety numbers). Keys hide aliases and user ids (SealedStore.name).
import { ErrorCode, RelaymeshError } from '../protocol/errors.js'
import { USER_ID_PREFIX } from '../protocol/identity.js'
import { PREFIX } from './store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from './store/sealed-store.js'
import { b64, unb64 } from './util/bytes.js'
import { checkUserId } from './messaging/user-directory.js'

export const MAX_ALIAS_LENGTH = 64

export interface Contact { alias: string, userId: string }

export function checkAlias (alias: string): void {
  if (typeof alias !== 'string' || alias.length === 0 || alias.length > MAX_ALIAS_LENGTH || /\s/.test(alias)) {
    throw new RelaymeshError(ErrorCode.Invalid, `alias must be 1-${MAX_ALIAS_LENGTH} characters without spaces`)
  }
  if (alias.startsWith(USER_ID_PREFIX)) throw new RelaymeshError(ErrorCode.Invalid, `alias must not start with "${USER_ID_PREFIX}" (it would read as a user id)`)
}

export async function addContact (store: SealedStore, alias: string, userId: string): Promise<void> {
  await store.batch([contactOp(store, alias, userId)])
}

/** the op that stores contact `alias` for `userId` (checked) */
export function contactOp (store: SealedStore, alias: string, userId: string): StoreOp {
  checkAlias(alias)
  checkUserId(userId)
  return store.jsonOp(PREFIX.contact + store.name(alias), { alias, userId })
}

/** Give a contact a new alias (its user id stays); NotFound when `oldAlias` is no contact, Invalid when `newAlias` is taken. */
export async function renameContact (store: SealedStore, oldAlias: string, newAlias: string): Promise<Contact> {
  checkAlias(newAlias)
  const userId = await contactOf(store, oldAlias)
  if (userId === undefined) throw new RelaymeshError(ErrorCode.NotFound, `unknown contact "${oldAlias}": \`relaymesh contacts list\` shows yours`)
  if (newAlias === oldAlias) return { alias: newAlias, userId }
  const taken = await contactOf(store, newAlias)
  if (taken !== undefined) throw new RelaymeshError(ErrorCode.Invalid, `"${newAlias}" is already the alias of ${taken}`)
  await store.batch([{ type: 'del', key: PREFIX.contact + store.name(oldAlias) }, contactOp(store, newAlias, userId)])
  return { alias: newAlias, userId }
}

/** the user id an alias names, if it is a contact's */
export async function contactOf (store: SealedStore, alias: string): Promise<string | undefined> {
  const key = PREFIX.contact + store.name(alias)
  const raw = await store.get(key)
  return raw === undefined ? undefined : parseJson<Contact>(key, raw).userId
}

export async function listContacts (store: SealedStore): Promise<Contact[]> {
  const out: Contact[] = []
  for await (const [key, raw] of store.range(PREFIX.contact)) out.push(parseJson<Contact>(key, raw))
  return out.sort((a, b) => a.alias.localeCompare(b.alias))
}

/** A user id as given, or the user id of an alias; Invalid / NotFound otherwise. */
export async function resolveUser (store: SealedStore, aliasOrUserId: string): Promise<string> {
  const s = String(aliasOrUserId).trim()
  if (s.startsWith(USER_ID_PREFIX)) {
    checkUserId(s.toLowerCase())
    return s.toLowerCase()
  }
  checkAlias(s)
  const raw = await store.get(PREFIX.contact + store.name(s))
  if (raw === undefined) throw new RelaymeshError(ErrorCode.NotFound, `unknown contact "${s}": add it with \`relaymesh contacts add ${s} USERID\``)
  return parseJson<Contact>(PREFIX.contact + store.name(s), raw).userId
}

export async function knownIdentityKey (store: SealedStore, userId: string): Promise<Uint8Array | undefined> {
  const key = PREFIX.peer + store.name(userId)
  const raw = await store.get(key)
  return raw === undefined ? undefined : unb64(parseJson<{ identityKey: string }>(key, raw).identityKey)
}

export function peerOp (store: SealedStore, userId: string, identityKey: Uint8Array): StoreOp {
  return store.jsonOp(PREFIX.peer + store.name(userId), { identityKey: b64(identityKey) })
}
