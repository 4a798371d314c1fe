// The registry of extra panels (client/web/panels/): each is a nav entry the shell mounts by id.
import { PANELS } from '../panels/index.js'
import type { MountPanel } from '../panels/panel-context.js'

export interface PanelEntry { id: string, label: string, mount: MountPanel }

export function panels (): PanelEntry[] {
  return PANELS.filter((p) => /^[a-z0-9-]{1,32}$/.test(p.id))
}
