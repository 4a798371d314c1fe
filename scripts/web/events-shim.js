// esbuild alias for `events` in the browser bundle: abstract-level (under
// `level` / browser-level) extends Node's EventEmitter and nothing else in
// the bundle needs it. The npm `events` package is not installed, so this is
// the small part abstract-level uses: on/once/off, emit, listenerCount, and
// the 'newListener' / 'removeListener' events it watches.
export class EventEmitter {
  #listeners = new Map()

  on (name, fn) {
    this.emit('newListener', name, fn)
    const list = this.#listeners.get(name) ?? []
    list.push(fn)
    this.#listeners.set(name, list)
    return this
  }

  addListener (name, fn) { return this.on(name, fn) }

  once (name, fn) {
    const wrapped = (...args) => { this.off(name, wrapped); fn.apply(this, args) }
    wrapped.listener = fn
    return this.on(name, wrapped)
  }

  off (name, fn) {
    const list = this.#listeners.get(name)
    if (list === undefined) return this
    const i = list.findIndex((l) => l === fn || l.listener === fn)
    if (i < 0) return this
    list.splice(i, 1)
    if (list.length === 0) this.#listeners.delete(name)
    this.emit('removeListener', name, fn)
    return this
  }

  removeListener (name, fn) { return this.off(name, fn) }

  removeAllListeners (name) {
    if (name === undefined) this.#listeners.clear()
    else this.#listeners.delete(name)
    return this
  }

  emit (name, ...args) {
    const list = this.#listeners.get(name)
    if (list === undefined || list.length === 0) {
      if (name === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]))
      return false
    }
    for (const fn of [...list]) fn.apply(this, args)
    return true
  }

  listenerCount (name) { return this.#listeners.get(name)?.length ?? 0 }

  listeners (name) { return [...(this.#listeners.get(name) ?? [])].map((l) => l.listener ?? l) }

  setMaxListeners () { return this }
}

export default EventEmitter
