// Files between the page and the client library: a picked File goes to
// sendFile as a Blob (read slice by slice), and a received file becomes a
// download link whose Blob (client.receivedFile, from the sealed store in
// IndexedDB) is built only when the person asks for it, then kept for the view.
import type { Client, FileProgress, SendFileResult } from '../../client.js'
import { h } from './dom.js'

/** Send a File the person picked; `onProgress` after every stored chunk. */
export async function sendPickedFile (client: Client, to: string, file: File, onProgress: (p: FileProgress) => void): Promise<SendFileResult> {
  return await client.sendFile(to, file, { onProgress })
}

/** Object URLs of received files, by message id, for one view; revoke() when the view goes. */
export class DownloadLinks {
  private readonly urls = new Map<string, string>()

  constructor (private readonly client: Client, private readonly onError: (err: unknown) => void) {}

  /** a link "Download NAME": the first activation builds the Blob, later ones use it */
  link (message: { id: string, from: string }, name: string): HTMLAnchorElement {
    const ready = this.urls.get(message.id)
    const a = h('a', { href: ready ?? '#', download: name, class: 'download' }, `Download ${name}`)
    if (ready !== undefined) return a
    a.addEventListener('click', (e) => {
      const url = this.urls.get(message.id)
      if (url !== undefined && a.getAttribute('href') === url) return
      e.preventDefault()
      a.setAttribute('aria-busy', 'true')
      this.client.receivedFile(message).then((blob) => {
        const made = this.urls.get(message.id) ?? URL.createObjectURL(blob)
        this.urls.set(message.id, made)
        a.href = made
        a.removeAttribute('aria-busy')
        a.click()
      }, (err) => { a.removeAttribute('aria-busy'); this.onError(err) })
    })
    return a
  }

  revoke (): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url)
    this.urls.clear()
  }
}

export function sizeText (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
