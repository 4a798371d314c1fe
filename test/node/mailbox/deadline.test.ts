import { strict as assert } from 'node:assert'
import { SharedDeadline } from '../../../node/mailbox/deadline.js'

describe('node/mailbox/deadline SharedDeadline', () => {
  it('hands requests started together one signal, which the base signal aborts', () => {
    const base = new AbortController()
    const deadlines = new SharedDeadline(60_000, base.signal, 60_000)
    const a = deadlines.signal()
    assert.equal(deadlines.signal(), a)
    assert.equal(a.aborted, false)
    base.abort()
    assert.equal(a.aborted, true)
    // nothing aborted is handed out while a fresh one can be made (the base stays aborted: so is the new one)
    assert.notEqual(deadlines.signal(), a)
  })

  it('makes a new signal once the granularity has passed', async () => {
    const deadlines = new SharedDeadline(60_000, new AbortController().signal, 1)
    const a = deadlines.signal()
    await new Promise((resolve) => setTimeout(resolve, 5))
    assert.notEqual(deadlines.signal(), a)
  })
})
