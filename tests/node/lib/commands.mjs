// Command handlers for yclient.mjs. Each handler receives the parsed command
// and returns (or resolves to) the answer fields; throwing produces an
// {"id":..,"error":".."} answer. See README.md for the protocol.
import * as Y from 'yjs'
import { Client, waitFor, toBase64, fromBase64 } from './client.mjs'
import { insertText, deleteText, appendParagraph, findFirstText, fragmentOf } from './doc-body.mjs'

const DEFAULT_TIMEOUT = 10000
const plainOf = (ytext) => ytext.toDelta().map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('')
const LOCAL_ORIGIN = 'yclient'

/** name -> Client */
export const clients = new Map()

// One undo stack per client, over its own deletions (as an editor's Ctrl+Z).
const undoers = new WeakMap()
const undoerOf = (client) => {
  let undoer = undoers.get(client)
  if (!undoer) {
    undoer = new Y.UndoManager(fragmentOf(client.doc), { trackedOrigins: new Set([LOCAL_ORIGIN]), captureTimeout: 0 })
    undoers.set(client, undoer)
  }
  return undoer
}

class CommandError extends Error {
  constructor (message, extra = {}) {
    super(message)
    this.extra = extra
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function need (cmd, field, type) {
  const value = cmd[field]
  if (value === undefined || value === null) throw new CommandError(`missing "${field}"`)
  if (type === 'array' ? !Array.isArray(value) : typeof value !== type) {
    throw new CommandError(`"${field}" must be of type ${type}`)
  }
  return value
}

function clientOf (cmd) {
  const name = need(cmd, 'name', 'string')
  const client = clients.get(name)
  if (!client) throw new CommandError(`unknown client "${name}"`)
  return client
}

function roomOf (cmd) {
  if (typeof cmd.room !== 'string' && typeof cmd.room !== 'number') {
    throw new CommandError('"room" must be a string or a number')
  }
  return String(cmd.room)
}

const timeoutOf = (cmd) => (Number.isFinite(cmd.timeout) ? cmd.timeout : DEFAULT_TIMEOUT)

/** Shared by connect / reconnect: wait for sync and shape the answer. */
async function syncAnswer (client, cmd) {
  let result
  try {
    result = await client.connectAndWait(timeoutOf(cmd), {
      keepTrying: cmd.keep_trying === true,
      wait: cmd.wait !== false
    })
  } catch (err) {
    throw new CommandError(err.message, { status: client.status, closes: client.closes })
  }
  if (result.closed) {
    const { code, reason, http_status: httpStatus } = result.closed
    return { ok: false, closed: code, reason, http_status: httpStatus }
  }
  return { ok: true, synced: result.synced, client_id: client.doc.clientID, text: client.text() }
}

const handlers = {
  ping: () => ({ ok: true }),

  list: () => ({ ok: true, clients: [...clients.values()].map((c) => c.info()) }),

  connect: (cmd) => {
    const name = need(cmd, 'name', 'string')
    if (clients.has(name)) throw new CommandError(`client "${name}" already exists (use reconnect)`)
    const client = new Client({
      name,
      url: need(cmd, 'url', 'string'),
      room: roomOf(cmd),
      headers: cmd.headers || {},
      params: cmd.params || {},
      maxBackoffTime: cmd.max_backoff_ms
    })
    clients.set(name, client)
    return syncAnswer(client, cmd)
  },

  reconnect: (cmd) => {
    const client = clientOf(cmd)
    if (cmd.headers) client.headers = cmd.headers
    if (cmd.params) client.provider.params = { ...cmd.params }
    return syncAnswer(client, cmd)
  },

  wait_synced: async (cmd) => {
    const client = clientOf(cmd)
    await waitFor([client.doc], () => client.synced, timeoutOf(cmd), () => client.info())
      .catch((err) => { throw new CommandError(`${err.message} waiting for sync`, { status: client.status }) })
    return { ok: true }
  },

  disconnect: (cmd) => {
    clientOf(cmd).disconnect()
    return { ok: true }
  },

  destroy: (cmd) => {
    const client = clientOf(cmd)
    client.destroy()
    clients.delete(client.name)
    return { ok: true }
  },

  info: (cmd) => ({ ok: true, ...clientOf(cmd).info() }),

  insert: (cmd) => {
    const client = clientOf(cmd)
    const index = insertText(client.doc, cmd.index ?? 'end', need(cmd, 'text', 'string'), LOCAL_ORIGIN)
    return { ok: true, index }
  },

  append_paragraph: (cmd) => {
    appendParagraph(clientOf(cmd).doc, need(cmd, 'text', 'string'), LOCAL_ORIGIN)
    return { ok: true }
  },

  delete: (cmd) => {
    const client = clientOf(cmd)
    undoerOf(client)
    deleteText(client.doc, need(cmd, 'index', 'number'), need(cmd, 'length', 'number'), LOCAL_ORIGIN)
    return { ok: true }
  },

  // Undo this client's last deletion the way Yjs does: the text comes back as new items.
  undo: (cmd) => {
    const undone = undoerOf(clientOf(cmd)).undo()
    if (!undone) throw new CommandError('nothing to undo')
    return { ok: true }
  },

  text: (cmd) => ({ ok: true, text: clientOf(cmd).text() }),

  // Comment anchors as the editor makes them: Yjs relative positions in the first
  // paragraph's text, base64-encoded (Y.encodeRelativePosition). `assoc: -1` as the
  // editor does (y-tiptap associates both ends with the character on their left).
  anchor: (cmd) => {
    const client = clientOf(cmd)
    const text = findFirstText(client.doc)
    if (!text) throw new CommandError('no paragraph text to anchor in')
    const index = need(cmd, 'index', 'number')
    const length = need(cmd, 'length', 'number')
    const assoc = cmd.assoc === -1 ? -1 : 0
    const encode = (i) => toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, i, assoc)))
    return { ok: true, start: encode(index), end: encode(index + length), quote: plainOf(text).slice(index, index + length) }
  },

  resolve: (cmd) => {
    const client = clientOf(cmd)
    const resolve = (b64) => Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(fromBase64(b64)), client.doc)
    const start = resolve(need(cmd, 'start', 'string'))
    const end = resolve(need(cmd, 'end', 'string'))
    const sameType = start && end && start.type === end.type
    const between = sameType && start.index < end.index ? plainOf(start.type).slice(start.index, end.index) : ''
    return { ok: true, between, detached: !sameType || start.index >= end.index }
  },

  state: (cmd) => {
    const client = clientOf(cmd)
    return {
      ok: true,
      state_vector: client.stateVector(),
      update: toBase64(Y.encodeStateAsUpdate(client.doc))
    }
  },

  apply: (cmd) => {
    const client = clientOf(cmd)
    Y.applyUpdate(client.doc, fromBase64(need(cmd, 'update', 'string')), LOCAL_ORIGIN)
    return { ok: true }
  },

  wait_text: async (cmd) => {
    const client = clientOf(cmd)
    const needle = need(cmd, 'contains', 'string')
    await waitFor([client.doc], () => client.text().includes(needle), timeoutOf(cmd))
      .catch((err) => {
        throw new CommandError(`${err.message}: text does not contain ${JSON.stringify(needle)}`,
          { text: client.text() })
      })
    return { ok: true, text: client.text() }
  },

  wait_equal: async (cmd) => {
    const names = need(cmd, 'names', 'array')
    if (names.length < 1) throw new CommandError('"names" is empty')
    const group = names.map((name) => clientOf({ name }))
    const equal = () => {
      const sv = group[0].stateVector()
      const text = group[0].text()
      return group.every((c) => c.stateVector() === sv && c.text() === text)
    }
    const snapshot = () => Object.fromEntries(group.map((c) => [c.name, { state_vector: c.stateVector(), text: c.text() }]))
    await waitFor(group.map((c) => c.doc), equal, timeoutOf(cmd))
      .catch((err) => { throw new CommandError(`${err.message}: clients differ`, { clients: snapshot() }) })
    return { ok: true, text: group[0].text(), state_vector: group[0].stateVector() }
  },

  close_codes: (cmd) => {
    const client = clientOf(cmd)
    return { ok: true, codes: client.closes.map((c) => c.code), closes: client.closes }
  },

  awareness: (cmd) => {
    const client = clientOf(cmd)
    if (cmd.state !== null && typeof cmd.state !== 'object') throw new CommandError('"state" must be an object or null')
    client.provider.awareness.setLocalState(cmd.state)
    return { ok: true }
  },

  peers: (cmd) => {
    const client = clientOf(cmd)
    const own = client.doc.clientID
    const peers = {}
    for (const [id, state] of client.provider.awareness.getStates()) {
      if (id !== own) peers[id] = state
    }
    return { ok: true, self: own, peers }
  },

  burst: async (cmd) => {
    const client = clientOf(cmd)
    const count = need(cmd, 'count', 'number')
    const interval = Number.isFinite(cmd.interval_ms) ? cmd.interval_ms : 0
    const prefix = typeof cmd.prefix === 'string' ? cmd.prefix : `${client.name}-`
    const start = performance.now()
    for (let i = 0; i < count; i++) {
      // pace on the absolute schedule so slow inserts do not accumulate drift
      const due = start + i * interval
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      insertText(client.doc, 'end', `${prefix}${i} `, LOCAL_ORIGIN)
    }
    return { ok: true, sent: count, elapsed_ms: Math.round(performance.now() - start) }
  },

  stats: (cmd) => {
    const targets = cmd.name !== undefined ? [clientOf(cmd)] : [...clients.values()]
    return { ok: true, stats: Object.fromEntries(targets.map((c) => [c.name, { ...c.counters }])) }
  }
}

/** Run one command; always resolves to an answer object carrying `id`. */
export async function runCommand (cmd) {
  const id = cmd && typeof cmd === 'object' && 'id' in cmd ? cmd.id : null
  try {
    if (!cmd || typeof cmd !== 'object' || Array.isArray(cmd)) throw new CommandError('command must be a JSON object')
    const handler = Object.hasOwn(handlers, cmd.cmd) ? handlers[cmd.cmd] : null
    if (!handler) throw new CommandError(`unknown cmd ${JSON.stringify(cmd.cmd)}`)
    const answer = await handler(cmd)
    return { id, ...answer }
  } catch (err) {
    return { id, error: String((err && err.message) || err), ...(err && err.extra ? err.extra : {}) }
  }
}

/** Destroy every client (used by quit and on stdin end). */
export function destroyAll () {
  for (const client of clients.values()) {
    try { client.destroy() } catch { /* ignore */ }
  }
  clients.clear()
}
