// Chat commands for files: /file USER PATH.
import { sendWithProgress } from '../commands/file.js'
import { expandHome } from '../expand-home.js'
import type { SlashCommand } from './slash-commands.js'

export const fileCommands: SlashCommand[] = [
  {
    names: ['/file'],
    help: ['  /file USER PATH     send a file (up to 100 MiB; ~ is your home folder), progress on stderr'],
    run: async (state, _args, line) => {
      const m = /^\/file\s+(\S+)\s+(.+)$/s.exec(line)
      if (m === null) { state.out.warn('usage: /file USER PATH'); return }
      const to = await state.resolve(m[1] as string)
      // no shell expanded ~ in a chat line
      const path = expandHome((m[2] as string).trim())
      // the progress line is cleared before the "stored" line is printed, never after it
      const r = await sendWithProgress(path, async (onProgress) => await state.client.sendFile(to.userId, path, { onProgress }))
      state.out.stored(r.id, to.userId, `${to.label}: ${r.name}, ${r.size} bytes`)
    }
  }
]
