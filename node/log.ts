// Structured logs: pino, one JSON object per line with --json, else pretty-ish
// single-line text on stderr so stdout stays free for the CLI's own output.
import { pino, type Logger } from 'pino'

export function createLogger (options: { json: boolean, level: string, name?: string }): Logger {
  if (options.json) {
    // JSON logs go to stdout with the CLI's events: one object per line
    return pino({ level: options.level, base: { name: options.name ?? 'relaymesh' } }, pino.destination({ dest: 1, sync: true }))
  }
  return pino({ level: options.level, base: undefined, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, pino.destination({ dest: 2, sync: true }))
}

/** A logger that drops everything (in-process test meshes). */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
