// The panels the shell mounts (groups, channel, requests, profile, safety numbers), by name.
import type { MountPanel } from './panel-context.js'

export const PANELS: Array<{ id: string, label: string, mount: MountPanel }> = []
