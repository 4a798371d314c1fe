// Profile records (RecordKind.Profile, up to MAX_PROFILE_RECORD_BYTES, four
// times the other kinds' bound) travel like device lists: published on one
// relay, gossiped in batches, pulled by sync, kept across a restart, and
// returned with the user's device list (GET_USER reads userRecords).
import assert from 'node:assert/strict'
import { MAX_AVATAR_BYTES, MAX_PROFILE_NAME_LENGTH, MAX_SIGNED_RECORD_BYTES, RecordKind } from '../../../protocol/constants.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { signProfile } from '../../../protocol/profile.js'
import { openRecord, recordKey } from '../../../protocol/records.js'
import { SYNC_PROTOCOL } from '../../../node/gossip/constants.js'
import { RECORDS_TOPIC } from '../../../node/gossip/constants.js'
import { waitFor } from '../../helpers/wait.js'
import { connect, startRelay, startRelays, stopRelays, waitForDirectories, waitForTopicPeers, type TestRelay } from '../relays/harness.js'
import { deviceListRecord, HOUR, newUser, type TestUser } from './fixtures.js'

const RECORDS = { replayGraceMs: 6_000, publishWindowMs: 300 }
const hexOf = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : Buffer.from(b).toString('hex')

function largeProfile (user: TestUser, seq: number): Uint8Array {
  const avatar = randomBytes(MAX_AVATAR_BYTES)
  avatar.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return signProfile(user.identity, randomBytes(32), { seq, expiresAt: Date.now() + HOUR }, { name: '😀'.repeat(MAX_PROFILE_NAME_LENGTH), avatar: { bytes: avatar, type: 'image/png' } })
}

describe('profile records across relays (gossip, sync, restart, user records)', function () {
  this.timeout(90_000)
  let nodes: TestRelay[] = []
  const extra: TestRelay[] = []
  const users = Array.from({ length: 8 }, () => newUser())
  const profiles = users.map((u) => largeProfile(u, 1))
  const key = (u: TestUser): string => recordKey(RecordKind.Profile, u.userId)

  before(async () => {
    nodes = await startRelays(2, { records: RECORDS })
    await waitForDirectories(nodes)
    await waitForTopicPeers(nodes, RECORDS_TOPIC)
  })

  after(async () => { await stopRelays([...nodes, ...extra]) })

  it('eight maximal profiles published together on one relay reach the other by gossip, and come back with the device list', async () => {
    assert.ok(profiles.every((p) => p.byteLength > 4 * MAX_SIGNED_RECORD_BYTES))
    const [a, b] = nodes as [TestRelay, TestRelay]
    for (const [i, u] of users.entries()) {
      await a.records.publish(deviceListRecord(u, 1))
      await a.records.publish(profiles[i] as Uint8Array)
    }
    for (const [i, u] of users.entries()) assert.equal(hexOf(await a.records.get(key(u))), hexOf(profiles[i]))
    await waitFor(async () => (await Promise.all(users.map(async (u, i) => hexOf(await b.records.get(key(u))) === hexOf(profiles[i])))).every(Boolean),
      { what: 'every profile on the second relay' })
    // what GET_USER answers: the device list first, and the profile with it
    const records = await b.records.userRecords((users[0] as TestUser).userId)
    const kinds = records.map((r) => openRecord(r, Date.now()).kind)
    assert.equal(kinds[0], RecordKind.DeviceList)
    assert.ok(records.some((r) => hexOf(r) === hexOf(profiles[0])), `kinds ${kinds.join(',')}`)
  })

  it('a relay that only syncs (no gossip) pulls them, and keeps them across a restart', async () => {
    const late = await startRelay({ records: RECORDS })
    extra.push(late)
    late.host.services.pubsub.topicValidators.delete(RECORDS_TOPIC)
    await connect(late.host, nodes[1] as TestRelay)
    await waitFor(async () => (await Promise.all(users.map(async (u, i) => hexOf(await late.records.get(key(u))) === hexOf(profiles[i])))).every(Boolean),
      { what: 'every profile on the late relay, by sync' })
    assert.equal(late.records.size(), (nodes[1] as TestRelay).records.size())
    const { values } = await late.metrics.gossipAccepted.get()
    assert.ok(values.some((v) => v.labels.topic === SYNC_PROTOCOL && v.value >= users.length * 2))

    await late.stop()
    const again = await startRelay({ dir: late.dir, privateKey: late.privateKey, records: RECORDS })
    extra.push(again)
    // from LevelDB, before any peer could tell it anything
    for (const [i, u] of users.entries()) assert.equal(hexOf(await again.records.get(key(u))), hexOf(profiles[i]))
    assert.equal(again.records.size(), users.length * 2)
  })
})
