#!/usr/bin/env node
// Reconnect storm: connect `--per-room` clients to each room, write one paragraph per
// room, wait until everyone has it, then print {"phase":"ready"}. The driver kills and
// restarts the server; y-websocket reconnects by itself (exponential backoff from 200 ms,
// capped at --max-backoff-ms). Records, per client, the wall-clock time of its first
// disconnect and of its first sync after it, then checks content and convergence.
import { waitFor } from './lib/client.mjs'
import { appendParagraph } from './lib/doc-body.mjs'
import {
  connectStaged, converged, destroyAll, emit, finish, flags, groupByRoom, json, log, makeClients,
  num, roomsOf, round2, sleep, wallMs
} from './bench-common.mjs'

const USAGE = `usage: node bench-storm.mjs --url ws://127.0.0.1:1234 [--rooms 50 | --rooms '["a"]']
  [--per-room 20] [--headers-json '{}'] [--connect-timeout 60000] [--storm-timeout 60000]
  [--max-backoff-ms 2500]`

const f = flags({
  url: null,
  rooms: '50',
  'room-prefix': `storm-${Date.now().toString(36)}`,
  'per-room': '20',
  'headers-json': '{}',
  'connect-timeout': '60000',
  'storm-timeout': '60000',
  'max-backoff-ms': '2500'
}, USAGE)

const opts = {
  url: f.url,
  rooms: roomsOf(f.rooms, f['room-prefix']),
  perRoom: num('per-room', f['per-room'], { min: 1 }),
  headers: json('headers-json', f['headers-json'], {}),
  connectTimeout: num('connect-timeout', f['connect-timeout'], { min: 1 }),
  stormTimeout: num('storm-timeout', f['storm-timeout'], { min: 1 }),
  maxBackoff: num('max-backoff-ms', f['max-backoff-ms'], { min: 1 })
}

const paragraphOf = (r) => `Paragraphe de la salle ${r} : clause de reconduction tacite.`
const hasParagraph = (m) => m.client.text().includes(paragraphOf(m.room))

/** Track each client's first disconnect and the first sync after it. */
function track (members) {
  for (const m of members) {
    m.closesBefore = m.client.closes.length
    m.connectsBefore = m.client.counters.connects
    m.client.provider.on('status', ({ status }) => {
      if (status === 'disconnected' && m.downAt === undefined) m.downAt = wallMs()
    })
    m.client.provider.on('sync', (state) => {
      if (state && m.downAt !== undefined && m.upAt === undefined) m.upAt = wallMs()
    })
  }
}

async function waitResync (members) {
  const deadline = performance.now() + opts.stormTimeout
  while (performance.now() < deadline) {
    if (members.every((m) => m.upAt !== undefined)) return true
    await sleep(20)
  }
  return false
}

function summary (members, groups, allBack, converge) {
  const closes = {}
  let attempts = 0
  for (const m of members) {
    for (const c of m.client.closes.slice(m.closesBefore)) {
      const key = c.http_status ? `${c.code}/http${c.http_status}` : String(c.code)
      closes[key] = (closes[key] || 0) + 1
    }
    attempts += m.client.counters.connects - m.connectsBefore
  }
  const down = members.filter((m) => m.downAt !== undefined)
  const up = members.filter((m) => m.upAt !== undefined)
  const times = (xs) => xs.length ? xs : [null]
  return {
    clients: members.length,
    rooms: groups.length,
    disconnected: down.length,
    resynced: up.length,
    all_resynced: allBack,
    first_disconnect_ms: round2(Math.min(...times(down.map((m) => m.downAt)))),
    last_disconnect_ms: round2(Math.max(...times(down.map((m) => m.downAt)))),
    first_resync_ms: round2(Math.min(...times(up.map((m) => m.upAt)))),
    last_resync_ms: round2(Math.max(...times(up.map((m) => m.upAt)))),
    closes_by_code: closes,
    sockets_opened_after_restart: attempts,
    content_ok: members.filter(hasParagraph).length,
    rooms_converged: groups.filter(converged).length,
    converged: converge,
    max_backoff_ms: opts.maxBackoff
  }
}

async function run () {
  const members = makeClients({
    url: opts.url, rooms: opts.rooms, perRoom: opts.perRoom, headers: opts.headers, maxBackoffTime: opts.maxBackoff
  })
  const conn = await connectStaged(members, { concurrency: 50, timeoutMs: opts.connectTimeout })
  if (!conn.ok) {
    destroyAll(members)
    throw new Error(`${conn.failed.length} client(s) could not connect, first: ${conn.failed[0].error}`)
  }
  const groups = groupByRoom(members, opts.rooms.length)
  try {
    groups.forEach((group, r) => appendParagraph(group[0].client.doc, paragraphOf(r)))
    await waitFor(members.map((m) => m.client.doc), () => members.every(hasParagraph), opts.connectTimeout)
    log('storm', `${members.length} clients ready in ${groups.length} rooms`)
    track(members)
    await emit({ phase: 'ready', clients: members.length })
    const allBack = await waitResync(members)
    let converge = true
    await waitFor(members.map((m) => m.client.doc),
      () => members.every(hasParagraph) && groups.every(converged), 10000)
      .catch(() => { converge = false })
    return summary(members, groups, allBack, converge)
  } finally {
    destroyAll(members)
  }
}

finish(run())
