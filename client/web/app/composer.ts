// The composer: a textbox labelled "Message", a "Send" button, a file picker,
// and edit mode (the text of one of your messages, replaced on Send). Enter
// sends, Shift+Enter is a new line, Escape leaves edit mode. Tells the peer
// when you start and stop typing (online only, never stored).
import { h } from './dom.js'

/** "started" again at most this often while typing goes on */
const TYPING_REPEAT_MS = 3_000
/** "stopped" after this long without a key */
const TYPING_IDLE_MS = 4_000

export interface ComposerActions {
  send: (text: string) => Promise<void>
  edit: (id: string, text: string) => Promise<void>
  sendFile: (file: File) => void
  /** undefined: this conversation has no typing indicator (groups) */
  typing?: (state: 'started' | 'stopped') => void
}

export class Composer {
  readonly element: HTMLFormElement
  private readonly input: HTMLTextAreaElement
  private readonly editNote: HTMLElement
  private editing: string | undefined
  private lastStarted = 0
  private idle: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly actions: ComposerActions) {
    this.input = h('textarea', { id: 'message-input', rows: 1, 'aria-label': 'Message', placeholder: 'Message', autocomplete: 'off', maxlength: 4000 })
    this.editNote = h('p', { class: 'edit-note', hidden: true })
    const file = h('input', { type: 'file', id: 'file-input', class: 'visually-hidden', 'aria-label': 'Attach a file' })
    file.addEventListener('change', () => {
      const picked = file.files?.[0]
      if (picked !== undefined) this.actions.sendFile(picked)
      file.value = ''
    })
    const attach = h('label', { for: 'file-input', class: 'attach', title: 'Attach a file' }, h('span', { 'aria-hidden': 'true' }, 'File'), h('span', { class: 'visually-hidden' }, 'Attach a file'))
    this.element = h('form', { class: 'composer', 'aria-label': 'Write a message' },
      this.editNote,
      h('div', { class: 'composer-row' }, file, attach, this.input, h('button', { type: 'submit', class: 'primary' }, 'Send')))
    this.element.addEventListener('submit', (e) => { e.preventDefault(); void this.submit() })
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); void this.submit() }
      if (e.key === 'Escape' && this.editing !== undefined) { e.preventDefault(); this.cancelEdit() }
    })
    this.input.addEventListener('input', () => { this.typed() })
  }

  focus (): void { this.input.focus() }

  /** edit mode: the message's text in the box; Send replaces it */
  startEdit (id: string, text: string): void {
    this.editing = id
    this.input.value = text
    this.editNote.textContent = 'Editing your message: Send saves it, Escape cancels.'
    this.editNote.hidden = false
    this.input.focus()
  }

  private cancelEdit (): void {
    this.editing = undefined
    this.input.value = ''
    this.editNote.hidden = true
  }

  private typed (): void {
    if (this.actions.typing === undefined || this.editing !== undefined) return
    const now = Date.now()
    if (now - this.lastStarted > TYPING_REPEAT_MS) { this.lastStarted = now; this.actions.typing('started') }
    clearTimeout(this.idle)
    this.idle = setTimeout(() => { this.stopTyping() }, TYPING_IDLE_MS)
  }

  private stopTyping (): void {
    clearTimeout(this.idle)
    this.idle = undefined
    if (this.lastStarted !== 0) { this.lastStarted = 0; this.actions.typing?.('stopped') }
  }

  private async submit (): Promise<void> {
    const text = this.input.value.trim()
    if (text === '') return
    const editing = this.editing
    this.input.value = ''
    this.stopTyping()
    if (editing !== undefined) {
      this.cancelEdit()
      await this.actions.edit(editing, text)
    } else {
      await this.actions.send(text)
    }
    this.input.focus()
  }

  dispose (): void { this.stopTyping() }
}
