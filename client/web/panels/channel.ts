// The public channel panel: read the posts nodes keep of a channel (24 h) and
// post to it, as `relaymesh channel read|post` does. A post is signed by your
// identity key and readable by anyone on the mesh: public by design, and the
// panel says so next to the post box. Posts are verified by the library
// (client.readChannel); new ones are looked for every CHANNEL_POLL_MS.
import { CHANNEL_NAME_PATTERN, DEFAULT_CHANNEL, MAX_CHANNEL_TEXT_BYTES } from '../../../protocol/constants.js'
import { CHANNEL_OVERLAP_MS, CHANNEL_POLL_MS } from '../../channel/constants.js'
import type { ChannelPostView } from '../../types.js'
import type { MountPanel } from './panel-context.js'
import { busy, h, labelled, namesOf, panelFrame, timeEl } from './dom.js'

/** posts kept on screen (oldest dropped first) */
const MAX_SHOWN_POSTS = 500

export const mountChannel: MountPanel = (root, ctx) => {
  const frame = panelFrame(root, 'channel', 'Public channel',
    'Public by design: anyone on the mesh can read what is posted here, signed with your identity key. Nodes keep posts for 24 hours.')
  const posts = new Map<string, ChannelPostView>()
  let channel = DEFAULT_CHANNEL
  let closed = false
  let readFailed = false
  let reading: Promise<void> = Promise.resolve()

  // ---- which channel
  const channelInput = h('input', { type: 'text', value: DEFAULT_CHANNEL, autocomplete: 'off', maxlength: 32, pattern: '[a-z0-9\\-]{1,32}', spellcheck: 'false' })
  const showButton = h('button', { type: 'submit' }, 'Show channel')
  const channelForm = h('form', { 'aria-label': 'Channel' },
    h('div', { class: 'rm-row' }, labelled('Channel name', channelInput, '1 to 32 of a-z, 0-9 and -').wrap, showButton))
  // ---- post
  const postInput = h('textarea', { rows: 3, required: true })
  const counter = h('small', { class: 'rm-hint', 'aria-live': 'polite' })
  const postButton = h('button', { type: 'submit' }, 'Post')
  const postForm = h('form', { 'aria-label': 'New post' },
    labelled('Post', postInput).wrap, counter, h('div', { class: 'rm-row' }, postButton))
  // ---- posts
  const heading = h('h3', {})
  const refreshButton = h('button', { type: 'button' }, 'Refresh')
  const empty = h('p', { class: 'rm-status' })
  const list = h('ol', { role: 'list', class: 'rm-list' })
  frame.section.append(channelForm, postForm, h('div', { class: 'rm-row' }, heading, refreshButton), empty, list)

  const bytes = (s: string): number => new TextEncoder().encode(s).byteLength
  const count = (): void => {
    const left = MAX_CHANNEL_TEXT_BYTES - bytes(postInput.value)
    counter.textContent = left >= 0 ? `${left} bytes left` : `${-left} bytes too long (at most ${MAX_CHANNEL_TEXT_BYTES})`
  }
  postInput.addEventListener('input', count)

  function title (): void {
    heading.textContent = `Posts in #${channel}`
    list.setAttribute('aria-label', `Posts in #${channel}`)
  }

  /** read posts sent after the newest shown (less the overlap: gossip reorders), add the new ones */
  async function read (): Promise<void> {
    reading = reading.then(async () => {
      if (closed) return
      const want = channel
      const newest = Math.max(0, ...[...posts.values()].map((p) => p.sentAt))
      let got: ChannelPostView[]
      try {
        got = await ctx.client.readChannel({ channel: want, ...(newest > 0 ? { since: Math.max(0, newest - CHANNEL_OVERLAP_MS) } : {}) })
      } catch (err) {
        // a failed look is shown until a look succeeds (an error of a post stays until the next post)
        if (!closed) frame.showError(err)
        readFailed = true
        return
      }
      if (readFailed) { frame.showError(undefined); readFailed = false }
      if (closed || want !== channel) return
      let added = false
      for (const p of got) if (!posts.has(p.id)) { posts.set(p.id, p); added = true }
      if (added || list.childElementCount === 0) await draw()
    })
    await reading
  }

  async function draw (): Promise<void> {
    const sorted = [...posts.values()].sort((a, b) => a.sentAt - b.sentAt || a.id.localeCompare(b.id))
    for (const old of sorted.splice(0, Math.max(0, sorted.length - MAX_SHOWN_POSTS))) posts.delete(old.id)
    const names = await namesOf(ctx.nameOf, ctx.userId, sorted.map((p) => p.from))
    if (closed) return
    empty.textContent = sorted.length === 0 ? `No posts in #${channel} yet.` : ''
    list.replaceChildren(...sorted.map((p) => h('li', { class: 'rm-item' },
      h('div', { class: 'rm-row rm-meta' }, h('strong', {}, names.get(p.from) ?? p.from), timeEl(p.sentAt)),
      h('p', { class: 'rm-text' }, p.text))))
  }

  channelForm.addEventListener('submit', (e) => {
    e.preventDefault()
    const name = channelInput.value.trim()
    if (!CHANNEL_NAME_PATTERN.test(name)) { frame.showError(new Error('a channel name is 1 to 32 of a-z, 0-9 and -')); return }
    channel = name
    posts.clear()
    list.replaceChildren()
    title()
    void read()
  })
  const post = busy(postButton, async () => {
    const text = postInput.value
    const p = await frame.guard(async () => await ctx.client.postToChannel(text, { channel }))
    if (p === undefined) return
    postInput.value = ''
    count()
    posts.set(p.id, p)
    await draw()
    ctx.notify(`Posted to #${p.channel}`)
  })
  postForm.addEventListener('submit', (e) => { e.preventDefault(); post() })
  refreshButton.addEventListener('click', busy(refreshButton, read))

  title()
  count()
  void read()
  const timer = setInterval(() => { void read() }, CHANNEL_POLL_MS)
  return () => {
    closed = true
    clearInterval(timer)
    root.replaceChildren()
  }
}
