// The contract between the web app's shell (client/web/app/) and its panels
// (client/web/panels/): a panel gets a root element and this context, renders
// into the root, and returns a function that unmounts it (drops listeners).
import type { Client } from '../../types.js'

export type ConversationTarget = { kind: 'user', userId: string } | { kind: 'group', groupId: string }

export interface PanelContext {
  /** the open client library (client/types.ts) */
  client: Client
  /** this identity's user id */
  userId: string
  /** how to show a person: your alias, else their profile name, else a short id */
  nameOf: (userId: string) => Promise<string>
  /** open a conversation in the shell's conversation view */
  openConversation: (target: ConversationTarget) => void
  /** a short notice for the user (role="status"; kind "error" uses role="alert") */
  notify: (text: string, kind?: 'info' | 'error') => void
  /** subscribe to the shell's refresh tick (after any incoming message or status change); returns unsubscribe */
  onChange: (listener: () => void) => () => void
}

/** A panel renders into `root` and returns its unmount function. */
export type MountPanel = (root: HTMLElement, ctx: PanelContext) => () => void
