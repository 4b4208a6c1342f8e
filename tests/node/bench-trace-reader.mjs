// Reader side of bench-trace.mjs, run in a worker thread so that reading does not share
// the writer's event loop. Connects one client, reports when it holds the writer's final
// state (the writer's clock reached and the text length equal), then compares the text.
import { parentPort, workerData } from 'node:worker_threads'
import * as Y from 'yjs'
import { Client } from './lib/client.mjs'
import { findFirstText, nodeText } from './lib/doc-body.mjs'

const wallMs = () => performance.timeOrigin + performance.now()
const { url, room, headers, endContent, drainCapMs, connectTimeoutMs } = workerData

const client = new Client({ name: 'reader', url, room, headers })
let target = null
let done = false
let capTimer = null

function progress (writer = target ? target.client : null) {
  const text = findFirstText(client.doc)
  return {
    length: text ? text.length : 0,
    clock: writer !== null ? Y.getState(client.doc.store, writer) : null,
    updates: client.counters.updates_received
  }
}

function check () {
  if (done || target === null) return
  const text = findFirstText(client.doc)
  if (!text) return
  if (Y.getState(client.doc.store, target.client) < target.clock || text.length !== target.length) return
  done = true
  clearTimeout(capTimer)
  const heldAt = wallMs()
  const content = nodeText(text)
  parentPort.postMessage({
    kind: 'done',
    heldAt,
    textOk: target.complete ? content === endContent : null,
    ...progress()
  })
}

client.doc.on('update', check)

parentPort.on('message', (msg) => {
  if (msg.kind === 'target') {
    target = msg
    capTimer = setTimeout(() => {
      if (done) return
      done = true
      parentPort.postMessage({ kind: 'timeout', ...progress() })
    }, drainCapMs)
    check()
  } else if (msg.kind === 'progress') {
    parentPort.postMessage({ kind: 'progress', ...progress(msg.client ?? null) })
  } else if (msg.kind === 'stop') {
    client.destroy()
    parentPort.close()
  }
})

async function start () {
  try {
    const res = await client.connectAndWait(connectTimeoutMs)
    if (res.closed) throw new Error(`reader closed with code ${res.closed.code}`)
    const deadline = performance.now() + connectTimeoutMs
    while (!findFirstText(client.doc) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    if (!findFirstText(client.doc)) throw new Error('reader never saw the paragraph')
    parentPort.postMessage({ kind: 'ready' })
  } catch (err) {
    parentPort.postMessage({ kind: 'error', error: String(err.message || err) })
  }
}

start()
