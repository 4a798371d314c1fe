// Dead relays leave the live set without waiting for their node records to
// expire, also on relays that never had a connection to them (so no
// disconnect told them anything): through reportUnreachable (a service's
// request failed) and through the periodic liveness check. A live relay
// that is reported stays; a dead one that comes back is re-admitted.
// Real libp2p over TCP on 127.0.0.1, LevelDB in temp dirs.
import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import type { RelayHost } from '../../../node/host.js'
import { waitFor } from '../../helpers/wait.js'
import { startRelay, stopRelays, waitForDirectories, type TestRelay, type TestRelayInit } from './harness.js'

/** libp2p's connection gater on a running host (read at call time): no connection with `blocked`, or none blocked */
function firewall (host: RelayHost, blocked: PeerId | undefined): void {
  const gater = (host as unknown as { components: { connectionGater: Record<string, unknown> } }).components.connectionGater
  const deny = async (peer: PeerId): Promise<boolean> => blocked !== undefined && peer.equals(blocked)
  gater.denyDialPeer = deny
  gater.denyInboundEncryptedConnection = deny
  gater.denyOutboundEncryptedConnection = deny
}

const lists = (r: TestRelay, peer: TestRelay): boolean => r.relays.peers().some((p) => p.toString() === peer.id)

/** three relays; the first never connects to the third (firewalled from before the third exists) */
async function triangle (init: TestRelayInit = {}): Promise<TestRelay[]> {
  const thirdKey = await generateKeyPair('Ed25519')
  const first = await startRelay(init)
  firewall(first.host, peerIdFromPrivateKey(thirdKey))
  const second = await startRelay({ ...init, bootstrap: [first.address] })
  const third = await startRelay({ ...init, bootstrap: [second.address], privateKey: thirdKey })
  const relays = [first, second, third]
  await waitForDirectories(relays)
  assert.equal(first.host.getConnections(third.host.peerId).length, 0, 'no connection between the first and the third')
  return relays
}

describe('relay directory: unreachable relays', function () {
  this.timeout(60_000)
  let relays: TestRelay[] = []

  afterEach(async () => { await stopRelays(relays); relays = [] })

  it('reportUnreachable drops a dead relay at once, keeps a live one, and a returning relay is re-admitted', async () => {
    relays = await triangle({ relays: { livenessIntervalMs: 0 } })
    const [first, second, third] = relays as [TestRelay, TestRelay, TestRelay]
    // a live, connected relay reported by mistake: the ping answers, it stays
    assert.equal(await second.relays.reportUnreachable(third.host.peerId), false)
    assert.ok(lists(second, third))
    // an unknown peer: nothing to drop
    assert.equal(await first.relays.reportUnreachable(peerIdFromPrivateKey(await generateKeyPair('Ed25519'))), false)

    const dir = third.dir
    const key = third.privateKey
    await third.stop()
    firewall(first.host, undefined) // from now on a dial fails only because the relay is gone
    assert.ok(lists(first, third), 'no disconnect reached the first relay: it still lists the dead one')
    assert.equal(await first.relays.reportUnreachable(third.host.peerId), true)
    assert.ok(!lists(first, third), 'dropped from the live set')
    assert.ok(!first.relays.closest(third.host.peerId.toMultihash().bytes.subarray(0, 32), 3).some((p) => p.equals(third.host.peerId)))

    // it comes back with its data: a newer node record (or a connection) re-admits it
    const back = await startRelay({ dir, privateKey: key, bootstrap: [second.address], relays: { livenessIntervalMs: 0 } })
    relays[2] = back
    await waitFor(() => lists(first, back), { what: 'the returning relay re-admitted by the first', timeout: 20_000 })
  })

  it('the periodic liveness check drops a dead relay nobody reports and no disconnect announced', async () => {
    relays = await triangle({ relays: { livenessIntervalMs: 300, livenessMinAgeMs: 3_000 } })
    const [first, , third] = relays as [TestRelay, TestRelay, TestRelay]
    assert.ok(lists(first, third))
    await third.stop()
    firewall(first.host, undefined)
    // nothing reports it and there was no connection to lose: only the check can drop it
    await waitFor(() => !lists(first, third), { what: 'the dead relay dropped by the liveness check', timeout: 20_000 })
  })
})
