#!/usr/bin/env node
// Fan-out latency load: in every room, W writers type timestamped markers (the format of
// ymarkers.mjs) at a fixed rate and R readers only listen. For each marker it records the
// delay until every other member of the room has seen it. With --readers 0 this is the
// ymarkers.mjs measurement. Prints phase lines ({"phase":"send"|"drained"}) so the driver
// can bracket server CPU, then one result line (same fields as ymarkers.mjs).
import * as Y from 'yjs'
import { findFirstText, insertText } from './lib/doc-body.mjs'
import { nowMs, formatMarker, parseMarkers, summarize } from './lib/markers.mjs'
import { waitFor } from './lib/client.mjs'
import {
  connectStaged, converged, destroyAll, emit, finish, flags, groupByRoom, json, log, loopLag,
  makeClients, num, roomsOf, sleep
} from './bench-common.mjs'

const USAGE = `usage: node bench-fanout.mjs --url ws://127.0.0.1:1234 [--rooms 3 | --rooms '["a"]']
  [--writers 4] [--readers 0] [--rate 5] [--count 20] [--headers-json '{}' | '[{}]']
  [--connect-timeout 20000] [--drain-timeout 15000] [--connect-concurrency 50]`

const f = flags({
  url: null,
  rooms: '1',
  'room-prefix': `fanout-${Date.now().toString(36)}`,
  writers: '4',
  readers: '0',
  rate: '5',
  count: '20',
  'headers-json': '{}',
  'connect-timeout': '20000',
  'drain-timeout': '15000',
  'connect-concurrency': '50'
}, USAGE)

const opts = {
  // Several servers (a cluster): JSON array; member i of each room uses url[i % n].
  url: f.url && f.url.startsWith('[') ? JSON.parse(f.url) : f.url,
  rooms: roomsOf(f.rooms, f['room-prefix']),
  writers: num('writers', f.writers, { min: 1 }),
  readers: num('readers', f.readers),
  rate: num('rate', f.rate, { integer: false, min: 0.001 }),
  count: num('count', f.count, { min: 1 }),
  headers: json('headers-json', f['headers-json'], {}),
  connectTimeout: num('connect-timeout', f['connect-timeout']),
  drainTimeout: num('drain-timeout', f['drain-timeout']),
  concurrency: num('connect-concurrency', f['connect-concurrency'], { min: 1 })
}

/**
 * Strings inserted by an update, read from the update itself. ymarkers.mjs reads them
 * from `event.delta`, which Yjs computes by walking the whole paragraph: O(text length)
 * per update, which made the generator, not the server, the bottleneck of busy rooms.
 */
function insertedStrings (update) {
  const parts = []
  for (const struct of Y.decodeUpdate(update).structs) {
    const content = struct.content
    if (content && typeof content.str === 'string') parts.push(content.str)
  }
  return parts.join('\n')
}

/**
 * The markers an update carries, decoded once per distinct update: every member of a room
 * receives the same bytes, and decoding them again in each of 200 readers made the
 * generator's own bookkeeping, not the clients' work (applying the update), dominate.
 */
const markerCache = new Map()
function markersIn (update) {
  const key = Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('latin1')
  let marks = markerCache.get(key)
  if (marks === undefined) {
    if (markerCache.size > 20000) markerCache.clear()
    marks = parseMarkers(insertedStrings(update))
    markerCache.set(key, marks)
  }
  return marks
}

/**
 * Record the first time each member sees each marker typed by another member: when the
 * update carrying it has been applied (the doc's 'update' event fires at the end of the
 * transaction that integrated it, like observeDeep).
 */
function observeMarkers (members, seen) {
  for (const m of members) {
    m.client.doc.on('update', (update, origin) => {
      if (origin !== m.client.provider) return // local edits
      const t = nowMs()
      for (const mark of markersIn(update)) {
        if (mark.room !== m.room || mark.editor === m.index) continue
        const perMarker = seen.get(mark.key)
        if (perMarker && !perMarker.has(m.index)) perMarker.set(m.index, t - mark.ts)
      }
    })
  }
}

/** Type `count` markers at `rate`/s, absolute schedule, random start phase. */
async function typeMarkers (m, seen) {
  const interval = 1000 / opts.rate
  const start = performance.now() + Math.random() * interval
  for (let seq = 0; seq < opts.count; seq++) {
    const wait = start + seq * interval - performance.now()
    if (wait > 0) await sleep(wait)
    seen.set(`${m.room}.${m.index}.${seq}`, new Map())
    insertText(m.client.doc, 'end', formatMarker(m.room, m.index, seq, nowMs()))
  }
}

async function prepareParagraph (members, groups) {
  for (const group of groups) {
    if (!findFirstText(group[0].client.doc)) insertText(group[0].client.doc, 'end', '')
  }
  await waitFor(members.map((m) => m.client.doc),
    () => members.every((m) => findFirstText(m.client.doc) !== null), opts.connectTimeout)
}

function result (seen, groups, sendSeconds, connectSeconds, lag) {
  const receivers = opts.writers + opts.readers - 1
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
    writers: opts.writers,
    readers: opts.readers,
    rate: opts.rate,
    count: opts.count,
    connect_seconds: Math.round(connectSeconds * 100) / 100,
    send_seconds: Math.round(sendSeconds * 100) / 100,
    loop_lag_p99_ms: lag.p99()
  }
}

async function run () {
  const members = makeClients({
    url: opts.url, rooms: opts.rooms, perRoom: opts.writers + opts.readers, headers: opts.headers
  })
  const t0 = performance.now()
  const conn = await connectStaged(members, { concurrency: opts.concurrency, timeoutMs: opts.connectTimeout })
  if (!conn.ok) {
    destroyAll(members)
    throw new Error(`${conn.failed.length} client(s) could not connect, first: ` +
      `${conn.failed[0].name}: ${conn.failed[0].error}`)
  }
  const connectSeconds = (performance.now() - t0) / 1000
  log('fanout', `connected ${members.length} clients in ${opts.rooms.length} room(s)`)
  try {
    const groups = groupByRoom(members, opts.rooms.length)
    await prepareParagraph(members, groups)
    const seen = new Map()
    observeMarkers(members, seen)
    const lag = loopLag()
    await emit({ phase: 'send' })
    const t1 = performance.now()
    const writers = members.filter((m) => m.index < opts.writers)
    await Promise.all(writers.map((m) => typeMarkers(m, seen)))
    const sendSeconds = (performance.now() - t1) / 1000
    const receivers = opts.writers + opts.readers - 1
    const complete = () => [...seen.values()].every((d) => d.size >= receivers)
    await waitFor(members.map((m) => m.client.doc),
      () => complete() && groups.every(converged), opts.drainTimeout)
      .catch(() => log('fanout', 'drain timeout: results are partial'))
    await emit({ phase: 'drained' })
    lag.stop()
    return result(seen, groups, sendSeconds, connectSeconds, lag)
  } finally {
    destroyAll(members)
  }
}

finish(run())
