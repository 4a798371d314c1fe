// Status changes of the messages we sent, as they happen (queued, sending,
// stored, a receipt recorded, failed), for a UI that updates its ticks live
// (Client.onStatus). Told only after the change is persisted. Listeners run
// synchronously; one that throws is logged and never stops the others.
import type { Logger } from 'pino'
import type { MessagingContext } from '../messaging/context.js'
import type { MessageStatus } from './message-status.js'

export type StatusListener = (status: MessageStatus) => void

export class StatusEvents {
  private readonly listeners = new Set<StatusListener>()

  constructor (private readonly log?: Logger) {}

  /** `listener` is called with every status change from now on; the function returned stops that */
  on (listener: StatusListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  emit (statuses: MessageStatus[]): void {
    for (const s of statuses) {
      for (const l of [...this.listeners]) {
        try {
          l({ ...s, recipients: [...s.recipients], deliveredTo: [...s.deliveredTo], readBy: [...s.readBy] })
        } catch (err) {
          this.log?.warn({ err: (err as Error).message }, 'status listener failed')
        }
      }
    }
  }
}

/** one StatusEvents per client, found from its messaging context (the receive path has only the context) */
const byContext = new WeakMap<MessagingContext, StatusEvents>()

export function statusEventsOf (ctx: MessagingContext): StatusEvents {
  let events = byContext.get(ctx)
  if (events === undefined) {
    events = new StatusEvents(ctx.log)
    byContext.set(ctx, events)
  }
  return events
}
