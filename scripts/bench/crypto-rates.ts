// The relaymesh rows of bench:crypto as one function that runs the same in
// Node and in the browser bundle (scripts/bench-crypto-browser.ts): each row's
// median wall rate over the plan's rounds.
import { compare, type RoundPlan } from './crypto-harness.js'
import { relaymeshContender } from './crypto-relaymesh.js'

export const RATE_ROWS = ['setup', 'pingPong', 'pingPongInline', 'streaming', 'throughput'] as const
export type RateRow = typeof RATE_ROWS[number]
export interface RatePlans { setup: RoundPlan, messages: RoundPlan }

/** median operations per second of each row (throughput: 16 KiB messages per second) */
export async function relaymeshRates (plans: RatePlans): Promise<Record<RateRow, number>> {
  const c = await relaymeshContender()
  const scenario = { setup: c.setup, pingPong: c.pingPong, pingPongInline: c.pingPongInline, streaming: c.streaming, throughput: c.throughput }
  const out: Partial<Record<RateRow, number>> = {}
  for (const row of RATE_ROWS) {
    const s = scenario[row]
    if (s === undefined) throw new Error(`relaymesh has no ${row} scenario`)
    const [m] = await compare([s], row === 'setup' ? plans.setup : plans.messages)
    if (m === undefined) throw new Error(`no measurement for ${row}`)
    out[row] = m.wall.median
  }
  return out as Record<RateRow, number>
}
