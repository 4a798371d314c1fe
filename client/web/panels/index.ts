// The web app's panels beside the conversations (client/web/panels): the shell
// (client/web/app/) puts each in its navigation, in this order, and mounts the
// chosen one (panel-context.ts is the contract).
import type { MountPanel } from './panel-context.js'
import { mountGroups } from './groups.js'
import { mountRequests } from './requests.js'
import { mountChannel } from './channel.js'
import { mountProfile } from './profile.js'
import { mountSafety } from './safety.js'

export type { MountPanel, PanelContext, ConversationTarget } from './panel-context.js'

export interface PanelEntry { id: string, label: string, mount: MountPanel }

export const PANELS: PanelEntry[] = [
  { id: 'groups', label: 'Groups', mount: mountGroups },
  { id: 'requests', label: 'Requests', mount: mountRequests },
  { id: 'channel', label: 'Public channel', mount: mountChannel },
  { id: 'profile', label: 'Profile', mount: mountProfile },
  { id: 'safety', label: 'Safety numbers', mount: mountSafety }
]
