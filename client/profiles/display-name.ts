// How a person is shown: the alias you gave them, else the name their
// profile says (only if they shared their profile key with you), else a short
// form of their user id. One function, used wherever the CLI names a person.

/** a user id inside a text: "rm1" and 32 base32 characters, not inside a longer word */
const USER_ID_IN_TEXT = /\brm1[a-z2-7]{32}\b/g

/** characters of a user id kept in its short form */
export const SHORT_ID_CHARS = 12

/** The first SHORT_ID_CHARS characters of a user id and an ellipsis. */
export function shortId (userId: string): string {
  return userId.length <= SHORT_ID_CHARS ? userId : `${userId.slice(0, SHORT_ID_CHARS)}…`
}

/** Alias, else profile name, else short id. */
export function displayName (userId: string, known: { alias?: string | undefined, profileName?: string | undefined } = {}): string {
  if (known.alias !== undefined && known.alias !== '') return known.alias
  if (known.profileName !== undefined && known.profileName !== '') return known.profileName
  return shortId(userId)
}

/** What the CLI knows about names (aliases from contacts, profile names last opened), read once per command. */
export class DisplayNames {
  constructor (
    private readonly aliases: Map<string, string> = new Map(),
    private readonly profileNames: ReadonlyMap<string, string> = new Map(),
    private readonly groupNames: Map<string, string> = new Map()
  ) {}

  /** how a group is shown: its name, else its id */
  group (groupId: string): string {
    return this.groupNames.get(groupId) ?? groupId
  }

  knowsGroup (groupId: string): boolean {
    return this.groupNames.has(groupId)
  }

  /** a group created, joined or renamed meanwhile (chat) */
  setGroup (groupId: string, name: string): void {
    this.groupNames.set(groupId, name)
  }

  /** `text` with every user id in it shown as its label (notices such as "rm1… added rm1…") */
  render (text: string): string {
    return text.replace(USER_ID_IN_TEXT, (id) => this.label(id))
  }

  /** how `userId` is shown */
  label (userId: string): string {
    return displayName(userId, { alias: this.aliases.get(userId), profileName: this.profileNames.get(userId) })
  }

  /** the alias we gave `userId`, if any */
  alias (userId: string): string | undefined {
    return this.aliases.get(userId)
  }

  /** a contact added or listed meanwhile (chat /list) */
  setAlias (userId: string, alias: string): void {
    this.aliases.set(userId, alias)
  }
}
