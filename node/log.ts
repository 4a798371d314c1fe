// Structured logs with pino on stderr: one JSON object per line with --json,
// short text lines otherwise. stdout stays for the CLI's own events (the
// `ready` line first), so scripts can read it without filtering logs.
import { pino, type Logger } from 'pino'

export function createLogger (options: { json: boolean, level: string, name?: string }): Logger {
  if (options.json) {
    return pino({ level: options.level, base: { name: options.name ?? 'relaymesh' } }, pino.destination({ dest: 2, sync: true }))
  }
  return pino({ level: options.level, base: undefined, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, pino.destination({ dest: 2, sync: true }))
}

/** A logger that drops everything (in-process test meshes). */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
