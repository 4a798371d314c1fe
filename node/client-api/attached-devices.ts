// Devices attached to this node, by the libp2p peer id of their connection.
// Requests on a connection act for the device attached over it; their rate
// limits are shared per device and per peer (rate-limit.ts ClientRateLimits).
import { ClientRateLimits } from './rate-limit.js'
import type { FetchGrant } from '../components.js'

export interface AttachedDevice {
  peerId: string
  userId: string
  identityKey: Uint8Array
  deviceId: number
  deviceKey: Uint8Array
  mailbox: Uint8Array
  /** seq of the newest device list naming this device that the node has checked it against */
  deviceListSeq: number
  /** ends the attach session (the device was removed from its user's device list) */
  close?: () => void
  /** the latest offline presence blob (PresenceBlob; empty: none), published when the device detaches */
  presenceOffline: Uint8Array
  /** the device's attach signature, shown to its replicas when this node fetches for it (node/mailbox FETCH) */
  grant?: FetchGrant
}

export class AttachedDevices {
  private readonly byPeer = new Map<string, AttachedDevice>()

  constructor (readonly limits: ClientRateLimits) {}

  get (peerId: string): AttachedDevice | undefined {
    return this.byPeer.get(peerId)
  }

  add (device: AttachedDevice): boolean {
    if (this.byPeer.has(device.peerId)) return false
    this.byPeer.set(device.peerId, device)
    return true
  }

  remove (peerId: string): AttachedDevice | undefined {
    const d = this.byPeer.get(peerId)
    this.byPeer.delete(peerId)
    return d
  }

  get size (): number {
    return this.byPeer.size
  }

  all (): AttachedDevice[] {
    return [...this.byPeer.values()]
  }
}
