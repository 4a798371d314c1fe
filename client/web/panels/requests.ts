// The message requests panel: first messages from people who are neither
// contacts nor people you wrote to wait here (client/requests) until you
// accept (they become a contact, optionally under an alias you give), decline
// (dropped, not blocked) or block them. Also the blocked list with unblock, and
// blocking a user by id. As `relaymesh requests|block|unblock|blocked` do.
// Requesters are strangers: what they chose (profile name, first message) is
// shown as text only, and labelled as theirs.
import type { BlockedUser, MessageRequest } from '../../types.js'
import type { MountPanel } from './panel-context.js'
import { busy, h, labelled, panelFrame, shortId, swapKeeping, timeEl } from './dom.js'

/** requests are local: looked at again this often besides the shell's change ticks (cheap, no network) */
const LOCAL_POLL_MS = 3_000

/** how a requester or blocked user is shown: their profile name (marked as theirs) and short id */
function who (u: { userId: string, name?: string }): string {
  return u.name !== undefined ? `${u.name} (${shortId(u.userId)})` : shortId(u.userId)
}

export const mountRequests: MountPanel = (root, ctx) => {
  const frame = panelFrame(root, 'requests', 'Message requests',
    'Messages from people who are not your contacts wait here. They get no delivered or read receipts until you accept. Names shown are the ones they chose.')
  let shownKey = ''
  let closed = false

  const requestList = h('ul', { role: 'list', 'aria-label': 'Message requests', class: 'rm-list' })
  const noRequests = h('p', { class: 'rm-status' })
  const blockedList = h('ul', { role: 'list', 'aria-label': 'Blocked users', class: 'rm-list' })
  const noBlocked = h('p', { class: 'rm-status' })
  const blockInput = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true })
  const blockButton = h('button', { type: 'submit' }, 'Block')
  const blockForm = h('form', { 'aria-label': 'Block a user' },
    h('div', { class: 'rm-row' }, labelled('User to block', blockInput, 'a user id (rm1…), the start of a requester\'s id, or a contact alias').wrap, blockButton))
  frame.section.append(noRequests, requestList, h('h3', {}, 'Blocked users'), noBlocked, blockedList, blockForm)

  /** run a library call from a button, report it, redraw */
  const act = (button: HTMLButtonElement, action: () => Promise<string>): void => {
    button.addEventListener('click', busy(button, async () => {
      const done = await frame.guard(action)
      if (done !== undefined) ctx.notify(done)
      await refresh()
    }))
  }

  function requestItem (r: MessageRequest): HTMLLIElement {
    const name = who(r)
    const alias = h('input', { type: 'text', autocomplete: 'off', maxlength: 64, 'data-key': `alias-${r.userId}` })
    const accept = h('button', { type: 'button', 'aria-label': `Accept ${name}`, 'data-key': `accept-${r.userId}` }, 'Accept')
    const decline = h('button', { type: 'button', 'aria-label': `Decline ${name}`, 'data-key': `decline-${r.userId}` }, 'Decline')
    const block = h('button', { type: 'button', 'aria-label': `Block ${name}`, 'data-key': `block-${r.userId}` }, 'Block')
    act(accept, async () => {
      const given = alias.value.trim()
      const messages = await ctx.client.acceptRequest(r.userId, given === '' ? undefined : given)
      return `Accepted ${name}: ${messages.length} message${messages.length === 1 ? '' : 's'} moved to your conversations`
    })
    act(decline, async () => { await ctx.client.declineRequest(r.userId); return `Declined ${name} (not blocked)` })
    act(block, async () => { await ctx.client.block(r.userId); return `Blocked ${name}` })
    return h('li', { class: 'rm-item', 'aria-label': `Request from ${name}` },
      h('div', { class: 'rm-row' }, h('strong', {}, r.name ?? 'No profile name'), timeEl(r.at)),
      h('p', { class: 'rm-meta rm-id' }, r.userId),
      h('p', { class: 'rm-meta' }, `${r.count} message${r.count === 1 ? '' : 's'}; the first:`),
      h('blockquote', { class: 'rm-text' }, r.firstMessage),
      labelled(`Alias for ${name} (optional)`, alias).wrap,
      h('div', { class: 'rm-row' }, accept, decline, block))
  }

  function blockedItem (b: BlockedUser): HTMLLIElement {
    const name = who(b)
    const unblock = h('button', { type: 'button', 'aria-label': `Unblock ${name}`, 'data-key': `unblock-${b.userId}` }, 'Unblock')
    act(unblock, async () => { await ctx.client.unblock(b.userId); return `Unblocked ${name}` })
    return h('li', { class: 'rm-item', 'aria-label': `Blocked ${name}` },
      h('div', { class: 'rm-row' }, h('strong', {}, b.name ?? 'No profile name'), h('span', { class: 'rm-meta' }, 'blocked'), timeEl(b.at)),
      h('p', { class: 'rm-meta rm-id' }, b.userId),
      h('div', { class: 'rm-row' }, unblock))
  }

  async function refresh (): Promise<void> {
    let requests: MessageRequest[]
    let blocked: BlockedUser[]
    try {
      [requests, blocked] = await Promise.all([ctx.client.requests(), ctx.client.blocked()])
    } catch (err) {
      if (!closed) frame.showError(err)
      return
    }
    const key = JSON.stringify([requests, blocked])
    if (closed || key === shownKey) return
    shownKey = key
    noRequests.textContent = requests.length === 0 ? 'No message requests.' : ''
    noBlocked.textContent = blocked.length === 0 ? 'Nobody is blocked.' : ''
    swapKeeping(requestList, requests.map(requestItem))
    swapKeeping(blockedList, blocked.map(blockedItem))
  }

  const blockByInput = busy(blockButton, async () => {
    const done = await frame.guard(async () => {
      const userId = await ctx.client.resolveRequester(blockInput.value.trim())
      await ctx.client.block(userId)
      return userId
    })
    if (done !== undefined) {
      blockInput.value = ''
      ctx.notify(`Blocked ${shortId(done)}`)
    }
    await refresh()
  })
  blockForm.addEventListener('submit', (e) => { e.preventDefault(); blockByInput() })

  const unsubscribe = ctx.onChange(() => { void refresh() })
  const timer = setInterval(() => { void refresh() }, LOCAL_POLL_MS)
  void refresh()
  return () => {
    closed = true
    clearInterval(timer)
    unsubscribe()
    root.replaceChildren()
  }
}
