// Chat commands for files: /file USER PATH.
import { progressPrinter } from '../commands/file.js'
import type { SlashCommand } from './slash-commands.js'

export const fileCommands: SlashCommand[] = [
  {
    names: ['/file'],
    help: ['  /file USER PATH     send a file (up to 100 MiB), progress on stderr'],
    run: async (state, _args, line) => {
      const m = /^\/file\s+(\S+)\s+(.+)$/s.exec(line)
      if (m === null) { state.out.warn('usage: /file USER PATH'); return }
      const to = await state.resolve(m[1] as string)
      const path = (m[2] as string).trim()
      const bar = progressPrinter(path)
      try {
        const r = await state.client.sendFile(to.userId, path, { onProgress: bar.update })
        state.out.stored(r.id, to.userId, `${to.label}: ${r.name}, ${r.size} bytes`)
      } finally {
        bar.stop()
      }
    }
  }
]
