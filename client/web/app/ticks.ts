// Delivery ticks of your messages (the same states `relaymesh chat` shows):
//   … queued / … sending   in the outbox, goes out as soon as a node takes it
//   ✓ stored on N          N relays persisted it
//   ✓✓ delivered           a device of the recipient has it
//   ✓✓ read                the recipient's application showed it
//   ✗ not sent             failed (the reason follows)
import type { DeliveryState, MessageStatus } from '../../client.js'

export function tickText (state: DeliveryState, status?: Pick<MessageStatus, 'storedOn' | 'recipients' | 'deliveredTo' | 'readBy' | 'error' | 'group'>): string {
  const n = status?.recipients.length ?? 0
  const group = status?.group !== undefined && n > 1
  switch (state) {
    case 'queued': return '… queued'
    case 'sending': return '… sending'
    case 'failed': return `✗ not sent${status?.error !== undefined ? `: ${status.error}` : ''}`
    case 'read': return '✓✓ read'
    case 'delivered': return group && status !== undefined && status.readBy.length > 0 ? `✓✓ ${status.readBy.length}/${n} read` : '✓✓ delivered'
    case 'stored': return group && status !== undefined && status.deliveredTo.length > 0 ? `✓ ${status.deliveredTo.length}/${n} delivered` : `✓ stored${status !== undefined && status.storedOn > 0 ? ` on ${status.storedOn}` : ''}`
  }
}
