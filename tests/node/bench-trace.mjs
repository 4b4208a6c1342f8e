#!/usr/bin/env node
// Trace replay: one writer types a sequential editing trace (editing-traces format,
// e.g. automerge-paper) into one paragraph's XmlText, one edit per Yjs transaction (one
// update each, like typing), as fast as it can: it only pauses to let its socket drain.
// One reader (worker thread, bench-trace-reader.mjs) follows. Reports the replay rate,
// the reader's lag after the writer's last edit and whether both hold the final text.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { Worker } from 'node:worker_threads'
import * as Y from 'yjs'
import { Client } from './lib/client.mjs'
import { findFirstText, insertText, nodeText } from './lib/doc-body.mjs'
import { emit, finish, flags, json, log, num, round2, sleep, wallMs } from './bench-common.mjs'

const USAGE = `usage: node bench-trace.mjs --url ws://127.0.0.1:1234 --room NAME --trace FILE.json.gz
  [--headers-json '{}'] [--limit 0 (all edits)] [--time-cap-ms 300000] [--drain-cap-ms 120000]
  [--high-water 1048576] [--low-water 262144] [--connect-timeout 20000]`

const f = flags({
  url: null,
  room: null,
  trace: null,
  'headers-json': '{}',
  limit: '0',
  'time-cap-ms': '300000',
  'drain-cap-ms': '120000',
  'high-water': '1048576',
  'low-water': '262144',
  'connect-timeout': '20000'
}, USAGE)

const opts = {
  url: f.url,
  room: f.room,
  headers: json('headers-json', f['headers-json'], {}),
  limit: num('limit', f.limit),
  timeCapMs: num('time-cap-ms', f['time-cap-ms'], { min: 1 }),
  drainCapMs: num('drain-cap-ms', f['drain-cap-ms'], { min: 1 }),
  highWater: num('high-water', f['high-water'], { min: 1 }),
  lowWater: num('low-water', f['low-water']),
  connectTimeout: num('connect-timeout', f['connect-timeout'], { min: 1 })
}

/** Flat list of [pos, deleted, inserted] patches; positions must be UTF-16 safe. */
function loadTrace (path) {
  const trace = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'))
  if (trace.startContent) throw new Error('traces with a start content are not supported')
  const patches = trace.txns.flatMap((t) => t.patches)
  const astral = /[\u{10000}-\u{10FFFF}]/u
  if (astral.test(trace.endContent) || patches.some((p) => astral.test(p[2]))) {
    throw new Error('characters outside the BMP: code-point positions would need conversion')
  }
  return { patches, endContent: trace.endContent }
}

function nextMessage (worker, kinds) {
  return new Promise((resolve, reject) => {
    const onMessage = (msg) => {
      if (!kinds.includes(msg.kind)) return
      worker.off('message', onMessage)
      worker.off('error', reject)
      resolve(msg)
    }
    worker.on('message', onMessage)
    worker.once('error', reject)
  })
}

/** Wait while the socket holds more than the high-water mark; false if it is gone. */
async function drainSocket (client) {
  const ws = client.provider.ws
  if (!ws) return false
  if (ws.bufferedAmount <= opts.highWater) return true
  while (client.provider.ws && client.provider.ws.bufferedAmount > opts.lowWater) await sleep(1)
  return client.provider.ws !== null
}

/**
 * Replay the patches; returns {sent, lastEditMs, firstEditMs, complete, writerClosed}.
 * Stops early at the time cap or when the server closes the writer's socket.
 */
async function replay (client, ytext, patches) {
  const doc = client.doc
  const deadline = performance.now() + opts.timeCapMs
  const firstEditMs = wallMs()
  let sent = 0
  let writerClosed = null
  for (const [pos, del, ins] of patches) {
    doc.transact(() => {
      if (del > 0) ytext.delete(pos, del)
      if (ins) ytext.insert(pos, ins)
    })
    sent++
    if (sent % 64 === 0) {
      if (!(await drainSocket(client))) {
        writerClosed = client.closes[client.closes.length - 1] || { code: null }
        break
      }
      if (sent % 512 === 0) await new Promise((resolve) => setImmediate(resolve))
      if (performance.now() > deadline) break
    }
  }
  const complete = sent === patches.length && writerClosed === null
  return { sent, firstEditMs, lastEditMs: wallMs(), complete, writerClosed }
}

async function run () {
  const trace = loadTrace(f.trace)
  const patches = opts.limit > 0 ? trace.patches.slice(0, opts.limit) : trace.patches
  const writer = new Client({ name: 'writer', url: opts.url, room: opts.room, headers: opts.headers })
  const res = await writer.connectAndWait(opts.connectTimeout)
  if (res.closed) throw new Error(`writer closed with code ${res.closed.code}`)
  if (findFirstText(writer.doc)) throw new Error('the room is not empty')
  insertText(writer.doc, 0, '')
  const ytext = findFirstText(writer.doc)
  const worker = new Worker(new URL('./bench-trace-reader.mjs', import.meta.url), {
    workerData: {
      url: opts.url,
      room: opts.room,
      headers: opts.headers,
      endContent: opts.limit > 0 ? null : trace.endContent,
      drainCapMs: opts.drainCapMs,
      connectTimeoutMs: opts.connectTimeout
    }
  })
  try {
    const ready = await nextMessage(worker, ['ready', 'error'])
    if (ready.kind === 'error') throw new Error(ready.error)
    await emit({ phase: 'send', edits: patches.length })
    const r = await replay(writer, ytext, patches)
    const sendSeconds = (r.lastEditMs - r.firstEditMs) / 1000
    log('trace', `${r.sent} edits in ${sendSeconds.toFixed(1)} s`)
    const writerText = nodeText(ytext)
    const target = {
      kind: 'target',
      client: writer.doc.clientID,
      clock: Y.getState(writer.doc.store, writer.doc.clientID),
      length: ytext.length,
      complete: r.complete && opts.limit === 0
    }
    let end
    if (r.writerClosed) {
      // what the writer typed after the close never reached the server: report progress
      log('trace', `writer closed by the server: ${JSON.stringify(r.writerClosed)}`)
      await sleep(2000)
      worker.postMessage({ kind: 'progress', client: writer.doc.clientID })
      end = { ...(await nextMessage(worker, ['progress'])), kind: 'timeout' }
    } else {
      worker.postMessage(target)
      end = await nextMessage(worker, ['done', 'timeout'])
    }
    await emit({ phase: 'drained' })
    const writerOk = target.complete ? writerText === trace.endContent : null
    return {
      edits_total: patches.length,
      edits_sent: r.sent,
      complete: r.complete,
      writer_closed: r.writerClosed,
      send_seconds: round2(sendSeconds),
      edits_per_s: round2(r.sent / Math.max(sendSeconds, 1e-6)),
      reader_done: end.kind === 'done',
      reader_lag_ms: end.kind === 'done' ? round2(end.heldAt - r.lastEditMs) : null,
      reader_length: end.length,
      reader_updates: end.updates,
      reader_progress: round2(end.clock !== null ? end.clock / Math.max(target.clock, 1) : 0),
      writer_length: target.length,
      end_length: trace.endContent.length,
      writer_text_ok: writerOk,
      converged: end.kind === 'done' && end.textOk !== false && writerOk !== false,
      reader_text_ok: end.kind === 'done' ? end.textOk : false,
      first_edit_ms: round2(r.firstEditMs),
      last_edit_ms: round2(r.lastEditMs),
      reader_held_ms: end.kind === 'done' ? round2(end.heldAt) : null
    }
  } finally {
    worker.postMessage({ kind: 'stop' })
    writer.destroy()
    await sleep(50)
    worker.terminate()
  }
}

finish(run())
