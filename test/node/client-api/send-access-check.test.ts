// The sealed-send access rule on its own (node/client-api/send-access-check.ts):
// real device lists and keys, the lookup a plain function over them.
import { strict as assert } from 'node:assert'
import { createDeviceCredentials, type DeviceCredentials } from '../../../client/device.js'
import { RecordKind } from '../../../protocol/constants.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { DeviceList } from '../../../protocol/pb/records.js'
import { openRecord } from '../../../protocol/records.js'
import { makeStamp, minuteOf } from '../../../protocol/send-access.js'
import { checkSendAccess, requiredStampBits } from '../../../node/client-api/send-access-check.js'
import { accessOf } from '../../helpers/sealed-send.js'

describe('send access check', () => {
  const users = [createDeviceCredentials(), createDeviceCredentials()]
  const now = Date.now()
  let lookups: string[] = []
  const deviceList = async (userId: string): Promise<DeviceList | undefined> => {
    lookups.push(userId)
    const u = users.find((x) => x.userId === userId)
    if (u === undefined) return undefined
    const rec = openRecord(u.deviceList, now)
    return rec.kind === RecordKind.DeviceList ? rec.body : undefined
  }
  const base = (mailboxes: Uint8Array[], access: DeviceCredentials[] = []): Parameters<typeof checkSendAccess>[0] =>
    ({ envelopeId: randomBytes(16), payload: randomBytes(32), mailboxes, access: access.map(accessOf), stamp: new Uint8Array(0), stampMinute: 0 })

  beforeEach(() => { lookups = [] })

  it('covers every mailbox of the users whose key opens their list, and reports the rest', async () => {
    const [a, b] = users as [DeviceCredentials, DeviceCredentials]
    assert.deepEqual(await checkSendAccess(base([a.mailbox], [a]), { stampBits: 8, now, deviceList }), { ok: true, uncovered: 0 })
    const v = await checkSendAccess(base([a.mailbox, b.mailbox], [a]), { stampBits: 8, now, deviceList })
    assert.equal(v.ok, false)
    assert.equal(v.uncovered, 1)
    assert.ok(!v.ok && v.bits === 8)
  })

  it('looks each user up once, whatever the number of entries naming it', async () => {
    const [a] = users as [DeviceCredentials]
    const req = base([a.mailbox, a.mailbox], [a, a])
    await checkSendAccess(req, { stampBits: 8, now, deviceList })
    assert.deepEqual(lookups, [a.userId])
  })

  it('refuses more access entries than mailboxes, before any lookup', async () => {
    const [a, b] = users as [DeviceCredentials, DeviceCredentials]
    await assert.rejects(checkSendAccess(base([a.mailbox], [a, b]), { stampBits: 8, now, deviceList }), (err) => RelaymeshError.is(err, ErrorCode.Invalid))
    assert.deepEqual(lookups, [])
  })

  it('stamp bits 0: no stamp is asked, every mailbox is a stranger\'s (still counted per IP)', async () => {
    const [a] = users as [DeviceCredentials]
    assert.equal(requiredStampBits(0, 1000), 0)
    assert.deepEqual(await checkSendAccess(base([a.mailbox]), { stampBits: 0, now, deviceList }), { ok: true, uncovered: 1 })
  })

  it('accepts a stamp within the minute skew either way', async () => {
    const [a] = users as [DeviceCredentials]
    for (const minute of [minuteOf(now) - 10, minuteOf(now) + 10]) {
      const req = base([a.mailbox])
      const stamp = makeStamp({ ...req, minute }, 8)
      assert.deepEqual(await checkSendAccess({ ...req, stamp, stampMinute: minute }, { stampBits: 8, now, deviceList }), { ok: true, uncovered: 1 })
    }
  })
})
