// The groups panel: create a group (a name and members picked from your
// contacts), list your groups and open one in the conversation view, and per
// group add or remove a member, rename it or leave it. The library does the
// work (client.createGroup/addMember/removeMember/renameGroup/leaveGroup, as
// `relaymesh group …` does); every membership change rotates sender keys.
import type { MountPanel } from './panel-context.js'
import { busy, h, labelled, namesOf, panelFrame, swapKeeping, uid } from './dom.js'

interface Group { groupId: string, name: string, members: string[] }
interface Contact { alias: string, userId: string }
interface View { groups: Group[], contacts: Contact[], names: Map<string, string> }

export const mountGroups: MountPanel = (root, ctx) => {
  const frame = panelFrame(root, 'groups', 'Groups',
    'End-to-end encrypted groups. Every membership change gives the group new keys: a new member reads from their joining on, a removed one reads nothing later.')
  const expanded = new Set<string>()
  const confirmLeave = new Set<string>()
  let view: View = { groups: [], contacts: [], names: new Map() }
  let shownKey = ''
  let closed = false

  // ---- create
  const nameInput = h('input', { type: 'text', required: true, autocomplete: 'off', maxlength: 100, 'data-key': 'new-name' })
  const memberBox = h('div', { class: 'rm-list' })
  const createButton = h('button', { type: 'submit' }, 'Create group')
  const createForm = h('form', { 'aria-label': 'New group' },
    h('h3', {}, 'New group'),
    labelled('Group name', nameInput).wrap,
    h('fieldset', {}, h('legend', {}, 'Members (your contacts)'), memberBox),
    h('div', { class: 'rm-row' }, createButton))
  // ---- list
  const list = h('ul', { role: 'list', 'aria-label': 'Your groups', class: 'rm-list' })
  const empty = h('p', { class: 'rm-status' })
  frame.section.append(createForm, h('h3', {}, 'Your groups'), empty, list)

  const create = busy(createButton, async () => {
    const members = [...memberBox.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((c) => c.value)
    const name = nameInput.value.trim()
    const done = await frame.guard(async () => await ctx.client.createGroup(name, members))
    if (done === undefined) return
    nameInput.value = ''
    for (const c of memberBox.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) c.checked = false
    ctx.notify(`Created group "${name}" with ${members.length} member${members.length === 1 ? '' : 's'} besides you`)
    await refresh()
  })
  createForm.addEventListener('submit', (e) => { e.preventDefault(); create() })

  async function load (): Promise<View> {
    const [groups, contacts] = await Promise.all([ctx.client.groups(), ctx.client.contacts()])
    const names = await namesOf(ctx.nameOf, ctx.userId, [...groups.flatMap((g) => g.members), ...contacts.map((c) => c.userId)])
    return { groups, contacts: contacts.map((c) => ({ alias: c.alias, userId: c.userId })), names }
  }

  /** reload from the library; redraw only when something changed (or `force`) */
  async function refresh (force = false): Promise<void> {
    const next = await frame.quiet(load)
    if (next === undefined || closed) return
    const key = JSON.stringify([next.groups, next.contacts, [...next.names], [...expanded], [...confirmLeave]])
    if (!force && key === shownKey) return
    shownKey = key
    view = next
    draw()
  }

  function draw (): void {
    swapKeeping(memberBox, view.contacts.length === 0
      ? [h('p', {}, 'No contacts yet: add contacts first, then pick them here.')]
      : uniqueContacts(view.contacts).map((c) => {
        const box = h('input', { type: 'checkbox', value: c.userId, 'data-key': `pick-${c.userId}`, id: uid('pick') })
        return h('label', { class: 'rm-check' }, box, view.names.get(c.userId) ?? c.alias)
      }))
    empty.textContent = view.groups.length === 0 ? 'You are in no group yet.' : ''
    swapKeeping(list, view.groups.map((g) => groupItem(g)))
  }

  function groupItem (g: Group): HTMLLIElement {
    const open = expanded.has(g.groupId)
    const manageId = uid('manage')
    const others = g.members.filter((m) => m !== ctx.userId)
    const label = (id: string): string => view.names.get(id) ?? id
    const openButton = h('button', { type: 'button', 'aria-label': `Open ${g.name}`, 'data-key': `open-${g.groupId}` }, 'Open')
    openButton.addEventListener('click', () => { ctx.openConversation({ kind: 'group', groupId: g.groupId }) })
    const manageButton = h('button', { type: 'button', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': manageId, 'aria-label': `Manage ${g.name}`, 'data-key': `manage-${g.groupId}` }, open ? 'Hide' : 'Manage')
    manageButton.addEventListener('click', () => {
      if (open) expanded.delete(g.groupId); else expanded.add(g.groupId)
      void refresh(true)
    })
    const item = h('li', { class: 'rm-item', 'aria-label': g.name },
      h('strong', {}, g.name),
      h('p', { class: 'rm-meta' }, `${g.members.length} member${g.members.length === 1 ? '' : 's'}: ${g.members.map(label).join(', ')}`),
      h('div', { class: 'rm-row' }, openButton, manageButton))
    if (open) item.append(manageArea(g, manageId, others, label))
    return item
  }

  function manageArea (g: Group, id: string, others: string[], label: (id: string) => string): HTMLElement {
    const act = (button: HTMLButtonElement, action: () => Promise<unknown>, done: string): void => {
      button.addEventListener('click', busy(button, async () => {
        if (await frame.guard(async () => { await action(); return true }) === true) ctx.notify(done)
        await refresh(true)
      }))
    }
    // members, each removable
    const members = h('ul', { role: 'list', 'aria-label': `Members of ${g.name}`, class: 'rm-list' },
      ...others.map((m) => {
        const remove = h('button', { type: 'button', 'aria-label': `Remove ${label(m)} from ${g.name}`, 'data-key': `remove-${g.groupId}-${m}` }, 'Remove')
        act(remove, async () => { await ctx.client.removeMember(g.groupId, m) }, `Removed ${label(m)} from "${g.name}"`)
        return h('li', { class: 'rm-row' }, h('span', {}, label(m)), remove)
      }))
    // add one of the contacts who is not a member
    const candidates = uniqueContacts(view.contacts).filter((c) => !g.members.includes(c.userId))
    const pick = h('select', { 'data-key': `add-pick-${g.groupId}` },
      ...candidates.map((c) => h('option', { value: c.userId }, view.names.get(c.userId) ?? c.alias)))
    const add = h('button', { type: 'button', 'aria-label': `Add member to ${g.name}`, 'data-key': `add-${g.groupId}`, disabled: candidates.length === 0 }, 'Add')
    act(add, async () => { await ctx.client.addMember(g.groupId, pick.value) }, `Added a member to "${g.name}"`)
    // rename
    const newName = h('input', { type: 'text', autocomplete: 'off', maxlength: 100, value: g.name, 'data-key': `rename-input-${g.groupId}` })
    const rename = h('button', { type: 'button', 'aria-label': `Rename ${g.name}`, 'data-key': `rename-${g.groupId}` }, 'Rename')
    act(rename, async () => { await ctx.client.renameGroup(g.groupId, newName.value.trim()) }, `Renamed "${g.name}"`)
    // leave, asked twice
    const leaveRow = h('div', { class: 'rm-row' })
    if (confirmLeave.has(g.groupId)) {
      const yes = h('button', { type: 'button', 'data-key': `leave-yes-${g.groupId}` }, `Yes, leave ${g.name}`)
      const no = h('button', { type: 'button', 'data-key': `leave-no-${g.groupId}` }, 'Cancel')
      act(yes, async () => { confirmLeave.delete(g.groupId); await ctx.client.leaveGroup(g.groupId) }, `You left "${g.name}"`)
      no.addEventListener('click', () => { confirmLeave.delete(g.groupId); void refresh(true) })
      leaveRow.append(h('span', {}, `Leave ${g.name}? You will read nothing sent to it afterwards.`), yes, no)
    } else {
      const leave = h('button', { type: 'button', 'aria-label': `Leave ${g.name}`, 'data-key': `leave-${g.groupId}` }, 'Leave group')
      leave.addEventListener('click', () => { confirmLeave.add(g.groupId); void refresh(true) })
      leaveRow.append(leave)
    }
    return h('div', { id, class: 'rm-manage' },
      h('h3', {}, `Members of ${g.name}`),
      others.length === 0 ? h('p', {}, 'Only you.') : members,
      candidates.length === 0
        ? h('p', {}, 'Every contact is a member already.')
        : h('div', { class: 'rm-row' }, labelled(`Add a member to ${g.name}`, pick).wrap, add),
      h('div', { class: 'rm-row' }, labelled(`New name for ${g.name}`, newName).wrap, rename),
      leaveRow)
  }

  const unsubscribe = ctx.onChange(() => { void refresh() })
  void refresh(true)
  return () => {
    closed = true
    unsubscribe()
    root.replaceChildren()
  }
}

/** one entry per user (a user may have several aliases) */
function uniqueContacts (contacts: Contact[]): Contact[] {
  const seen = new Set<string>()
  return contacts.filter((c) => !seen.has(c.userId) && seen.add(c.userId) !== undefined)
}
