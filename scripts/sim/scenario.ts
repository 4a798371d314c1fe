// Fault scenarios: a JSON or YAML timeline of actions, validated with errors
// that name the file, the step and the field (README.md, "Scenario format").
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

/** where the shipped scenarios live (this file runs from dist/scripts/sim/) */
export const SCENARIO_DIR = resolve(import.meta.dirname, '../../../scripts/sim/scenarios')

/**
 * Which nodes a step acts on: explicit indices, "all", "up" / "down" (running or
 * not), a number of random running nodes, or the replicas of the busiest mailbox.
 */
export type NodeSelector =
  | { nodes: number[] | 'all' | 'up' | 'down' }
  | { random: number }
  | { replicasOf: 'busiest', count: number | 'k-1' }

export type NodeAction = 'kill' | 'stop' | 'start' | 'restart'
export type Step =
  | ({ at: number, action: 'kill', data?: 'kept' | 'lost' } & NodeSelector)
  | ({ at: number, action: 'stop' } & NodeSelector)
  | ({ at: number, action: 'start' } & NodeSelector)
  | ({ at: number, action: 'restart', mode?: 'kill' | 'stop', down?: number, rolling?: number } & NodeSelector)
  | { at: number, action: 'client-offline', clients: number, include?: 'busiest' }
  | { at: number, action: 'client-online', clients: number | 'all' }
  /** SIGKILL `clients` clients mid-send (their own process); `down` s later they reopen their homes and attach again */
  | { at: number, action: 'client-crash', clients: number, down?: number }
  /** every connection into the selected nodes delayed by delayMs each way, optionally paced to bytesPerSecond; delayMs 0 without a rate restores them */
  | ({ at: number, action: 'slow-link', delayMs: number, bytesPerSecond?: number } & NodeSelector)
  | { at: number, action: 'partition', groups: number | number[][] }
  | { at: number, action: 'heal' }

export interface Scenario {
  name: string
  description: string
  steps: Step[]
}

const ACTIONS = ['kill', 'stop', 'start', 'restart', 'slow-link', 'client-offline', 'client-online', 'client-crash', 'partition', 'heal'] as const
const NODE_ACTIONS = new Set<string>(['kill', 'stop', 'start', 'restart', 'slow-link'])
const KEYS: Record<string, string[]> = {
  kill: ['data'],
  stop: [],
  start: [],
  restart: ['mode', 'down', 'rolling'],
  'slow-link': ['delayMs', 'bytesPerSecond'],
  'client-offline': ['clients', 'include'],
  'client-online': ['clients'],
  'client-crash': ['clients', 'down'],
  partition: ['groups'],
  heal: []
}

export class ScenarioError extends Error {
  override name = 'ScenarioError'
}

/** Scenario files are read whole: a timeline is a few steps, not megabytes. */
const MAX_SCENARIO_BYTES = 1 << 20

/** A scenario by name (scripts/sim/scenarios/NAME.json) or by path (.json, or .yaml / .yml). */
export function loadScenario (nameOrPath: string): Scenario {
  const path = existsSync(nameOrPath) ? nameOrPath : resolve(SCENARIO_DIR, `${nameOrPath}.json`)
  if (!existsSync(path)) throw new ScenarioError(`scenario "${nameOrPath}": no such file (looked for ${nameOrPath} and ${path})`)
  const text = readFileSync(path, 'utf8')
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError(`${path}: larger than ${MAX_SCENARIO_BYTES} bytes`)
  const yaml = /\.ya?ml$/i.test(path)
  let raw: unknown
  try {
    // YAML aliases are refused: a scenario has no use for them, and they are how small files expand to huge ones
    raw = yaml ? parseYaml(text, { maxAliasCount: 0 }) : JSON.parse(text)
  } catch (err) {
    throw new ScenarioError(`${path}: not valid ${yaml ? 'YAML' : 'JSON'} (${(err as Error).message.split('\n')[0] ?? ''})`)
  }
  return parseScenario(raw, path)
}

/** Validate a parsed scenario (an object with `steps`, or a bare array of steps). */
export function parseScenario (raw: unknown, source = 'scenario'): Scenario {
  const fail = (what: string): never => { throw new ScenarioError(`${source}: ${what}`) }
  const obj = Array.isArray(raw) ? { steps: raw } : raw
  if (typeof obj !== 'object' || obj === null) return fail('expected an object with "steps" (or an array of steps)')
  const o = obj as Record<string, unknown>
  for (const k of Object.keys(o)) if (!['name', 'description', 'steps'].includes(k)) fail(`unknown field "${k}" (allowed: name, description, steps)`)
  if (!Array.isArray(o.steps)) return fail('"steps" must be an array')
  if (o.name !== undefined && typeof o.name !== 'string') fail('"name" must be a string')
  if (o.description !== undefined && typeof o.description !== 'string') fail('"description" must be a string')
  const steps = o.steps.map((s, i) => parseStep(s, (what) => fail(`step ${i}: ${what}`)))
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i] as Step).at < (steps[i - 1] as Step).at) fail(`step ${i}: "at" ${(steps[i] as Step).at} is before step ${i - 1}'s ${(steps[i - 1] as Step).at} (keep steps in time order)`)
  }
  return { name: (o.name as string | undefined) ?? source.replace(/^.*\//, '').replace(/\.json$/, ''), description: (o.description as string | undefined) ?? '', steps }
}

function parseStep (raw: unknown, fail: (what: string) => never): Step {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('expected an object')
  const s = raw as Record<string, unknown>
  if (typeof s.at !== 'number' || !Number.isFinite(s.at) || s.at < 0) fail('"at" must be a number of seconds >= 0')
  if (typeof s.action !== 'string' || !(ACTIONS as readonly string[]).includes(s.action)) fail(`"action" must be one of ${ACTIONS.join(', ')} (got ${JSON.stringify(s.action)})`)
  const action = s.action as string
  const allowed = new Set(['at', 'action', ...(KEYS[action] ?? []), ...(NODE_ACTIONS.has(action) ? ['nodes', 'random', 'replicasOf', 'count'] : [])])
  for (const k of Object.keys(s)) if (!allowed.has(k)) fail(`unknown field "${k}" for "${action}" (allowed: ${[...allowed].join(', ')})`)
  if (NODE_ACTIONS.has(action)) checkSelector(s, fail)
  const positive = (k: string, integer: boolean): void => {
    const v = s[k]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))) fail(`"${k}" must be a ${integer ? 'whole ' : ''}number >= 0`)
  }
  if (action === 'kill' && s.data !== undefined && s.data !== 'kept' && s.data !== 'lost') fail('"data" must be "kept" or "lost"')
  if (action === 'restart') {
    if (s.mode !== undefined && s.mode !== 'kill' && s.mode !== 'stop') fail('"mode" must be "kill" or "stop"')
    positive('down', false)
    positive('rolling', false)
  }
  if (action === 'client-offline') {
    if (typeof s.clients !== 'number' || !Number.isInteger(s.clients) || s.clients < 1) fail('"clients" must be a whole number >= 1')
    if (s.include !== undefined && s.include !== 'busiest') fail('"include" must be "busiest" (the owner of the busiest mailbox)')
  }
  if (action === 'slow-link') {
    if (typeof s.delayMs !== 'number' || !Number.isFinite(s.delayMs) || s.delayMs < 0 || s.delayMs > 60_000) fail('"delayMs" must be a number of milliseconds from 0 to 60000')
    positive('bytesPerSecond', true)
    if (s.bytesPerSecond !== undefined && (s.bytesPerSecond as number) > 0 && (s.bytesPerSecond as number) < 1024) fail('"bytesPerSecond" must be 0 (unpaced) or at least 1024')
  }
  if (action === 'client-crash') {
    if (typeof s.clients !== 'number' || !Number.isInteger(s.clients) || s.clients < 1) fail('"clients" must be a whole number >= 1')
    positive('down', false)
  }
  if (action === 'client-online') {
    if (s.clients !== 'all' && (typeof s.clients !== 'number' || !Number.isInteger(s.clients) || s.clients < 1)) fail('"clients" must be "all" or a whole number >= 1')
  }
  if (action === 'partition') {
    const g = s.groups
    if (typeof g === 'number') {
      if (!Number.isInteger(g) || g < 2) fail('"groups" must be a whole number >= 2 or an array of node index arrays')
    } else if (Array.isArray(g)) {
      if (g.length < 1 || !g.every((x) => Array.isArray(x) && x.length > 0 && x.every((i) => Number.isInteger(i) && i >= 0))) fail('"groups" arrays must be non-empty arrays of node indices')
      const all = (g as number[][]).flat()
      if (new Set(all).size !== all.length) fail('"groups": a node is in more than one group')
    } else {
      fail('"groups" must be a whole number >= 2 (random groups of near-equal size) or an array of node index arrays')
    }
  }
  return s as unknown as Step
}

function checkSelector (s: Record<string, unknown>, fail: (what: string) => never): void {
  const given = ['nodes', 'random', 'replicasOf'].filter((k) => s[k] !== undefined)
  if (given.length !== 1) fail(`give exactly one of "nodes", "random", "replicasOf" (got ${given.length === 0 ? 'none' : given.join(', ')})`)
  if (s.nodes !== undefined) {
    const n = s.nodes
    if (!(n === 'all' || n === 'up' || n === 'down' || (Array.isArray(n) && n.length > 0 && n.every((x) => Number.isInteger(x) && x >= 0)))) fail('"nodes" must be "all", "up", "down" or a non-empty array of node indices')
  }
  if (s.random !== undefined && (typeof s.random !== 'number' || !Number.isInteger(s.random) || s.random < 1)) fail('"random" must be a whole number >= 1')
  if (s.replicasOf !== undefined) {
    if (s.replicasOf !== 'busiest') fail('"replicasOf" must be "busiest"')
    if (!(s.count === 'k-1' || (typeof s.count === 'number' && Number.isInteger(s.count) && s.count >= 1))) fail('"count" must be "k-1" or a whole number >= 1')
  } else if (s.count !== undefined) {
    fail('"count" goes with "replicasOf"')
  }
}
