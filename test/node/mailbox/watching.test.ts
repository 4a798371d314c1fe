// The entry node's side of WATCH (node/mailbox/watching.ts): a round that a
// replica refused or did not answer is tried again soon, with a growing
// delay, instead of waiting for the 100 s renewal; a round every replica
// took ends the retries. The replica client is a scripted stand-in here (what
// is tested is when the entry node asks); the real exchange is in
// watch.test.ts and backup-push.test.ts.
import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { pino } from 'pino'
import type { FetchGrant } from '../../../node/components.js'
import type { ReplicaClient } from '../../../node/mailbox/replica-client.js'
import { MailboxWatching } from '../../../node/mailbox/watching.js'
import { rand } from './helpers.js'

async function peer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

interface Asked { peer: string, at: number, ok: boolean }

/** a replica client whose WATCH to a peer fails while `failing(peer)` says so; every WATCH asked is logged with its time and outcome */
function scriptedClient (failing: (p: PeerId) => boolean): { client: ReplicaClient, asked: Asked[] } {
  const asked: Asked[] = []
  const client = {
    watch: async (p: PeerId): Promise<number> => {
      const ok = !failing(p)
      asked.push({ peer: p.toString(), at: Date.now(), ok })
      if (!ok) throw new Error('replica request timed out')
      return 300_000
    },
    unwatch: async (): Promise<void> => {}
  } as unknown as ReplicaClient
  return { client, asked }
}

describe('watching: a WATCH round a replica missed is tried again soon', function () {
  this.timeout(20_000)
  const grant = { deviceList: rand(64), deviceId: 1, nonce: rand(32), clientPeerId: rand(38), signature: rand(64) } as unknown as FetchGrant

  it('asks a replica that did not answer again within seconds, not at the next renewal, and stops once it took the watch', async () => {
    const [self, a, b, c] = await Promise.all([peer(), peer(), peer(), peer()]) as [PeerId, PeerId, PeerId, PeerId]
    let down = true
    const { client, asked } = scriptedClient((p) => down && p.equals(a))
    const watching = new MailboxWatching({ self, replicasOf: () => [a, b, c], client, log: pino({ level: 'silent' }), refreshMs: 60_000, retryMinMs: 200 })
    try {
      const end = await watching.start(rand(32), grant)
      const ofA = (): number => asked.filter((x) => x.peer === a.toString()).length
      assert.equal(ofA(), 1)
      await sleep(450)
      assert.ok(ofA() >= 2, `the replica that missed the watch was asked again (asked ${ofA()} times)`)
      down = false
      // the delay doubles while it keeps missing (200, 400, 800 ms ...): it is asked again within 1.6 s, then takes it
      await sleep(1_700)
      const settled = asked.length
      assert.equal(asked.filter((x) => x.peer === a.toString()).at(-1)?.ok, true, 'the replica took the watch on a later try')
      await sleep(1_000)
      assert.equal(asked.length, settled, 'a round every replica took ends the retries')
      end()
    } finally {
      watching.close()
    }
  })

  it('tries less and less often while a replica keeps missing the watch', async () => {
    const [self, a, b, c] = await Promise.all([peer(), peer(), peer(), peer()]) as [PeerId, PeerId, PeerId, PeerId]
    const { client, asked } = scriptedClient((p) => p.equals(a))
    const watching = new MailboxWatching({ self, replicasOf: () => [a, b, c], client, log: pino({ level: 'silent' }), refreshMs: 60_000, retryMinMs: 100 })
    try {
      const end = await watching.start(rand(32), grant)
      await sleep(1_700)
      const times = asked.filter((x) => x.peer === a.toString()).map((x) => x.at)
      // tries at about 0, 100, 300, 700 and 1,500 ms: five, each gap about twice the one before
      assert.ok(times.length >= 4 && times.length <= 6, `asked ${times.length} times in 1.7 s`)
      const gaps = times.slice(1).map((t, i) => t - (times[i] as number))
      for (let i = 1; i < gaps.length; i++) assert.ok((gaps[i] as number) > (gaps[i - 1] as number) * 1.4, `gaps grow: ${gaps.join(', ')} ms`)
      end()
      const after = asked.length
      await sleep(500)
      assert.equal(asked.length, after, 'no retry once the watch ended')
    } finally {
      watching.close()
    }
  })
})
