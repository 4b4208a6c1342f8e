// Marker latency run used by ymarkers.mjs: connects editors per room, has
// each type timestamped markers at a fixed rate, records when every other
// editor of the room sees each marker, then checks convergence.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Client, waitFor } from './client.mjs'
import { fragmentOf, findFirstText, insertText } from './doc-body.mjs'
import { nowMs, formatMarker, parseMarkers, insertedText, summarize } from './markers.mjs'

// the histogram records whole timer intervals: subtract the resolution to get lag
const LOOP_RESOLUTION_MS = 10
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const log = (...args) => console.error('[ymarkers]', ...args)

/** Run `fn` over `items` with at most `limit` promises in flight. */
async function mapLimit (items, limit, fn) {
  const results = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Create and connect all editors; throws on the first refused/timed-out one. */
async function connectAll (opts) {
  const editors = []
  opts.rooms.forEach((room, r) => {
    for (let e = 0; e < opts.editors; e++) {
      const headers = Array.isArray(opts.headers)
        ? opts.headers[(r * opts.editors + e) % opts.headers.length]
        : opts.headers
      const client = new Client({ name: `${room}#${e}`, url: opts.url, room, headers, params: opts.params })
      editors.push({ client, room: r, index: e })
    }
  })
  try {
    await mapLimit(editors, opts.connectConcurrency, async ({ client }) => {
      const res = await client.connectAndWait(opts.connectTimeout)
      if (res.closed) throw new Error(`${client.name}: closed with code ${res.closed.code} ${res.closed.reason}`)
    })
  } catch (err) {
    editors.forEach((e) => e.client.destroy())
    throw err
  }
  return editors
}

/** Make sure every room has a first paragraph text that all editors see. */
async function prepareParagraph (editors, opts) {
  const groups = groupByRoom(editors, opts.rooms.length)
  for (const group of groups) {
    if (!findFirstText(group[0].client.doc)) insertText(group[0].client.doc, 'end', '')
  }
  await waitFor(editors.map((e) => e.client.doc),
    () => editors.every((e) => findFirstText(e.client.doc) !== null), opts.connectTimeout)
}

function groupByRoom (editors, roomCount) {
  const groups = Array.from({ length: roomCount }, () => [])
  editors.forEach((e) => groups[e.room].push(e))
  return groups
}

/** Record the first time each editor sees each marker of another editor. */
function observeMarkers (editors, seen) {
  for (const editor of editors) {
    fragmentOf(editor.client.doc).observeDeep((events) => {
      const t = nowMs()
      for (const m of parseMarkers(insertedText(events))) {
        if (m.room !== editor.room || m.editor === editor.index) continue
        const perMarker = seen.get(m.key)
        if (perMarker && !perMarker.has(editor.index)) perMarker.set(editor.index, t - m.ts)
      }
    })
  }
}

/** Type `count` markers at `rate`/s with a random phase; registers them in `seen`. */
async function typeMarkers (editor, opts, seen) {
  const interval = 1000 / opts.rate
  const start = performance.now() + Math.random() * interval
  for (let seq = 0; seq < opts.count; seq++) {
    const wait = start + seq * interval - performance.now()
    if (wait > 0) await sleep(wait)
    seen.set(`${editor.room}.${editor.index}.${seq}`, new Map())
    insertText(editor.client.doc, 'end', formatMarker(editor.room, editor.index, seq, nowMs()))
  }
}

function converged (group) {
  const sv = group[0].client.stateVector()
  const text = group[0].client.text()
  return group.every((e) => e.client.stateVector() === sv && e.client.text() === text)
}

/** Full run; resolves to the result object printed by ymarkers.mjs. */
export async function runMarkers (opts) {
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  const editors = await connectAll(opts)
  log(`connected ${editors.length} editors in ${opts.rooms.length} room(s)`)
  try {
    await prepareParagraph(editors, opts)
    const seen = new Map()
    observeMarkers(editors, seen)
    loopDelay.enable()
    const t0 = performance.now()
    await Promise.all(editors.map((e) => typeMarkers(e, opts, seen)))
    const sendSeconds = (performance.now() - t0) / 1000
    const receivers = opts.editors - 1
    const complete = () => [...seen.values()].every((m) => m.size >= receivers)
    const groups = groupByRoom(editors, opts.rooms.length)
    const docs = editors.map((e) => e.client.doc)
    await waitFor(docs, () => complete() && groups.every(converged), opts.drainTimeout)
      .catch(() => log('drain timeout: results are partial'))
    loopDelay.disable()
    return buildResult(opts, seen, groups, sendSeconds, loopDelay)
  } finally {
    editors.forEach((e) => e.client.destroy())
  }
}

function buildResult (opts, seen, groups, sendSeconds, loopDelay) {
  const receivers = opts.editors - 1
  const perMarker = []
  const perDelivery = []
  let delivered = 0
  for (const delays of seen.values()) {
    delivered += delays.size
    const values = [...delays.values()]
    perDelivery.push(...values)
    if (receivers > 0 && delays.size >= receivers) perMarker.push(Math.max(...values))
  }
  return {
    ...summarize(perMarker),
    delivered,
    expected: seen.size * receivers,
    markers: seen.size,
    markers_complete: perMarker.length,
    converged: groups.every(converged),
    per_delivery: summarize(perDelivery),
    rooms: opts.rooms.length,
    editors: opts.editors,
    rate: opts.rate,
    count: opts.count,
    send_seconds: Math.round(sendSeconds * 100) / 100,
    // event-loop lag of this client process: high values mean the numbers
    // above include client-side queueing, not only server latency
    loop_lag_p99_ms: Math.max(0, Math.round((loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100)
  }
}
