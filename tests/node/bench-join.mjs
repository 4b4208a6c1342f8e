#!/usr/bin/env node
// Join load: `--per-room` clients for each room connect (all at once by default) and the
// time from the first connect to the last synced client is measured. Also used to hold
// many idle rooms open (--paragraph writes a short paragraph in each room, --hold keeps
// the clients connected until {"cmd":"release"} arrives on stdin) and for cold opens
// (--report-text gives the length and SHA-256 of each room's text).
import { createHash } from 'node:crypto'
import * as Y from 'yjs'
import { appendParagraph } from './lib/doc-body.mjs'
import {
  connectAll, destroyAll, emit, finish, flags, groupByRoom, json, log, makeClients, num,
  roomsOf, round2, sleep, waitCommand
} from './bench-common.mjs'
import { summarize } from './lib/markers.mjs'

const USAGE = `usage: node bench-join.mjs --url ws://127.0.0.1:1234 [--rooms 100 | --rooms '["a"]']
  [--per-room 4] [--concurrency 0 (all at once)] [--timeout 60000] [--headers-json '{}']
  [--paragraph TEXT] [--settle-ms 1000] [--hold] [--report-text]`

const f = flags({
  url: null,
  rooms: '1',
  'room-prefix': `join-${Date.now().toString(36)}`,
  'per-room': '4',
  concurrency: '0',
  timeout: '60000',
  'headers-json': '{}',
  paragraph: '',
  'settle-ms': '1000',
  hold: false,
  'report-text': false
}, USAGE)

const opts = {
  url: f.url,
  rooms: roomsOf(f.rooms, f['room-prefix']),
  perRoom: num('per-room', f['per-room'], { min: 1 }),
  concurrency: num('concurrency', f.concurrency),
  timeoutMs: num('timeout', f.timeout, { min: 1 }),
  headers: json('headers-json', f['headers-json'], {}),
  paragraph: f.paragraph,
  settleMs: num('settle-ms', f['settle-ms']),
  hold: f.hold,
  reportText: f['report-text']
}

/** Per room: text length and hash, state size, and the time a client takes to apply it. */
function textReport (groups) {
  return groups.map((group, r) => {
    const text = group[0].client.text()
    const state = Y.encodeStateAsUpdate(group[0].client.doc)
    const t0 = performance.now()
    Y.applyUpdate(new Y.Doc(), state)
    return {
      room: opts.rooms[r],
      length: text.length,
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
      state_bytes: state.length,
      client_apply_ms: round2(performance.now() - t0)
    }
  })
}

async function run () {
  const members = makeClients({ url: opts.url, rooms: opts.rooms, perRoom: opts.perRoom, headers: opts.headers })
  const concurrency = opts.concurrency > 0 ? opts.concurrency : members.length
  const t0 = performance.now()
  const conn = await connectAll(members, { concurrency, timeoutMs: opts.timeoutMs })
  const totalMs = performance.now() - t0
  log('join', `${conn.syncMs.length}/${members.length} synced in ${Math.round(totalMs)} ms`)
  const groups = groupByRoom(members, opts.rooms.length)
  const out = {
    clients: members.length,
    rooms: opts.rooms.length,
    synced: conn.syncMs.length,
    failed: conn.failed.length,
    first_failures: conn.failed.slice(0, 5),
    total_ms: round2(totalMs),
    sync_ms: summarize(conn.syncMs),
    open_ms: summarize(conn.openMs),
    concurrency
  }
  if (opts.reportText) out.texts = textReport(groups)
  try {
    if (opts.paragraph) {
      for (const group of groups) {
        if (group[0].client.synced) appendParagraph(group[0].client.doc, opts.paragraph)
      }
      await sleep(opts.settleMs)
    }
    if (opts.hold) {
      await emit({ phase: 'holding', synced: conn.syncMs.length })
      const cmd = await waitCommand('release')
      log('join', cmd ? 'released' : 'stdin closed')
      out.still_connected = members.filter((m) => m.client.status === 'connected').length
    }
    return out
  } finally {
    destroyAll(members)
  }
}

finish(run())
