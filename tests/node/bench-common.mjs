// Shared plumbing of the bench-*.mjs load generators (driven by `python -m bench`):
// flag parsing, JSON-line output, clients per room, bounded-concurrency connects,
// convergence checks, event-loop lag and stdin commands. Builds on lib/ (unchanged).
import readline from 'node:readline'
import { parseArgs } from 'node:util'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Client } from './lib/client.mjs'

// stdout carries JSON lines only: route library logging to stderr
console.log = (...args) => console.error(...args)
console.info = (...args) => console.error(...args)

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
export const wallMs = () => performance.timeOrigin + performance.now()
export const log = (tag, ...args) => console.error(`[${tag}]`, ...args)

/** One JSON line on stdout; resolves once it is flushed. */
export function emit (obj) {
  return new Promise((resolve) => process.stdout.write(JSON.stringify(obj) + '\n', resolve))
}

/** Print the result line and exit (code 0), or the error line (code 2). */
export async function finish (promise) {
  try {
    const result = await promise
    await emit(result)
    process.exit(0)
  } catch (err) {
    await emit({ error: String((err && err.message) || err), converged: false })
    process.exit(2)
  }
}

/**
 * Parse flags: `spec` maps flag → default (string) or null (required). Numbers are
 * converted by the caller with `num`. Exits with code 64 on unknown/missing flags.
 */
export function flags (spec, usage) {
  const options = {}
  for (const [name, def] of Object.entries(spec)) {
    options[name] = typeof def === 'boolean' ? { type: 'boolean', default: def } : { type: 'string' }
    if (typeof def === 'string') options[name].default = def
  }
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options })
    for (const [name, def] of Object.entries(spec)) {
      if (def === null && values[name] === undefined) throw new Error(`--${name} is required`)
    }
    return values
  } catch (err) {
    console.error(`${err.message}\n${usage}`)
    process.exit(64)
  }
}

export function num (name, text, { integer = true, min = 0 } = {}) {
  const n = Number(text)
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    console.error(`--${name} must be a number >= ${min}`)
    process.exit(64)
  }
  return n
}

export function json (name, text, fallback) {
  if (text === undefined) return fallback
  try {
    return JSON.parse(text)
  } catch (err) {
    console.error(`--${name}: invalid JSON (${err.message})`)
    process.exit(64)
  }
}

/** A JSON list of room names, or a count N → `<prefix>-0` … `<prefix>-N-1`. */
export function roomsOf (value, prefix) {
  if (/^\s*\[/.test(value)) return json('rooms', value).map(String)
  const n = num('rooms', value, { min: 1 })
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
}

/** Run `fn` over `items` with at most `limit` promises in flight. */
export async function mapLimit (items, limit, fn) {
  const results = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

/**
 * `perRoom` clients for every room: [{client, room (index), index (in room)}].
 * `headers` is one object or a list used round-robin.
 */
export function makeClients ({ url, rooms, perRoom, headers = {}, params = {}, maxBackoffTime }) {
  const members = []
  rooms.forEach((room, r) => {
    for (let i = 0; i < perRoom; i++) {
      const h = Array.isArray(headers) ? headers[members.length % headers.length] : headers
      const u = Array.isArray(url) ? url[i % url.length] : url
      const client = new Client({ name: `${room}#${i}`, url: u, room, headers: h, params, maxBackoffTime })
      members.push({ client, room: r, index: i })
    }
  })
  return members
}

/**
 * Connect every member with at most `concurrency` handshakes in flight. Resolves to
 * {ok, failed: [{name, error}], syncMs: [...], openMs: [...]}: per client, the time from
 * its own start to its sync, and to its websocket being open (handshake accepted).
 */
export async function connectAll (members, { concurrency, timeoutMs }) {
  const failed = []
  const syncMs = []
  const openMs = []
  await mapLimit(members, concurrency, async ({ client }) => {
    const t0 = performance.now()
    const onStatus = ({ status }) => {
      if (status !== 'connected') return
      openMs.push(performance.now() - t0)
      client.provider.off('status', onStatus)
    }
    client.provider.on('status', onStatus)
    try {
      const res = await client.connectAndWait(timeoutMs)
      if (res.closed) failed.push({ name: client.name, error: `closed ${res.closed.code}` })
      else syncMs.push(performance.now() - t0)
    } catch (err) {
      failed.push({ name: client.name, error: String(err.message || err) })
    }
  })
  return { ok: failed.length === 0, failed, syncMs, openMs }
}

/**
 * Connect the first client of every room, then all the others: a room is started by one
 * client before the rest arrive. Used by the fan-out and storm loads, which measure
 * delivery, not simultaneous joins (bench-join.mjs measures those).
 */
export async function connectStaged (members, opts) {
  const first = await connectAll(members.filter((m) => m.index === 0), opts)
  const rest = await connectAll(members.filter((m) => m.index !== 0), opts)
  return {
    ok: first.ok && rest.ok,
    failed: [...first.failed, ...rest.failed],
    syncMs: [...first.syncMs, ...rest.syncMs],
    openMs: [...first.openMs, ...rest.openMs]
  }
}

export function groupByRoom (members, roomCount) {
  const groups = Array.from({ length: roomCount }, () => [])
  members.forEach((m) => groups[m.room].push(m))
  return groups
}

/** Every client of the group has the same state vector and text. */
export function converged (group) {
  if (group.length === 0) return true
  const sv = group[0].client.stateVector()
  const text = group[0].client.text()
  return group.every((m) => m.client.stateVector() === sv && m.client.text() === text)
}

export function destroyAll (members) {
  for (const m of members) {
    try {
      m.client.destroy()
    } catch (err) {
      log('bench', 'destroy failed', err.message)
    }
  }
}

const LOOP_RESOLUTION_MS = 10

/** Event-loop lag monitor of this process; `p99()` in ms, timer resolution removed. */
export function loopLag () {
  const h = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  h.enable()
  return {
    p99: () => Math.max(0, Math.round((h.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100),
    stop: () => h.disable()
  }
}

/** Lines of stdin as an async iterator of parsed JSON objects (non-JSON lines skipped). */
export async function * stdinCommands () {
  const rl = readline.createInterface({ input: process.stdin })
  for await (const line of rl) {
    try {
      yield JSON.parse(line)
    } catch {
      log('bench', 'ignoring a non-JSON stdin line')
    }
  }
}

/** Wait for the next stdin command named `name` (or end of stdin → null). */
export async function waitCommand (name) {
  for await (const cmd of stdinCommands()) {
    if (cmd && cmd.cmd === name) return cmd
  }
  return null
}

export const round2 = (x) => (x === null || x === undefined ? null : Math.round(x * 100) / 100)
