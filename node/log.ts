// Structured logs with pino on stderr: one JSON object per line with --json,
// one readable line per event otherwise ("info node started peerId=…").
// stdout stays for the CLI's own output (the `ready` line first), so scripts
// can read it without filtering logs.
import { pino, type Logger } from 'pino'

/** pino writes one JSON line per event; in text mode we reformat it. */
function textDestination (): { write: (line: string) => void } {
  return {
    write: (line: string) => {
      let o: Record<string, unknown>
      try { o = JSON.parse(line) as Record<string, unknown> } catch { process.stderr.write(line); return }
      const { level, msg, ...rest } = o
      const fields = Object.entries(rest).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('')
      process.stderr.write(`${String(level)} ${String(msg ?? '')}${fields}\n`)
    }
  }
}

export function createLogger (options: { json: boolean, level: string, name?: string }): Logger {
  if (options.json) {
    return pino({ level: options.level, base: { name: options.name ?? 'relaymesh' } }, pino.destination({ dest: 2, sync: true }))
  }
  return pino({ level: options.level, base: undefined, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, textDestination())
}

/** A logger that drops everything (in-process test meshes). */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
