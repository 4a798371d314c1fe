// Receiving in library tests: keep calling receive() until enough arrived or the time is up.
import type { Client, IncomingMessage } from '../../client/client.js'

/** At least `n` messages (fewer when `timeout` ms pass first: the caller's assertion says what was missing). */
export async function receiveN (c: Client, n: number, timeout = 15_000): Promise<IncomingMessage[]> {
  const got: IncomingMessage[] = []
  const deadline = Date.now() + timeout
  while (got.length < n && Date.now() < deadline) got.push(...await c.receive({ waitMs: 200 }))
  return got
}
