// One Yjs client: a Y.Doc plus the official y-websocket WebsocketProvider
// (BroadcastChannel disabled), with close-code tracking, traffic counters and
// promise helpers to wait for sync, text or arbitrary document conditions.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { makeWebSocketClass } from './ws-polyfill.mjs'
import { plainText } from './doc-body.mjs'

// every WebsocketProvider adds a process 'exit' listener; many clients are normal here
process.setMaxListeners(0)

export const toBase64 = (bytes) => Buffer.from(bytes).toString('base64')
export const fromBase64 = (str) => new Uint8Array(Buffer.from(str, 'base64'))

export class Client {
  /**
   * @param {object} opts
   * @param {string} opts.name
   * @param {string} opts.url server URL without the room, e.g. ws://host/ws/documents
   * @param {string} opts.room room name appended as "/<room>"
   * @param {object} [opts.headers] HTTP headers sent on every handshake
   * @param {object} [opts.params] URL query parameters
   * @param {number} [opts.maxBackoffTime] y-websocket reconnect backoff cap (ms)
   */
  constructor ({ name, url, room, headers = {}, params = {}, maxBackoffTime }) {
    this.name = name
    this.url = url
    this.room = String(room)
    this.headers = headers
    this.counters = {
      updates_received: 0,
      update_bytes_received: 0,
      updates_local: 0,
      ws_in_msgs: 0,
      ws_in_bytes: 0,
      ws_out_msgs: 0,
      ws_out_bytes: 0,
      connects: 0
    }
    /** close events sent by the server / network: {code, reason, http_status} */
    this.closes = []
    this.lastError = null
    this.status = 'disconnected'
    this.doc = new Y.Doc() // random clientID
    this.provider = new WebsocketProvider(url, this.room, this.doc, {
      connect: false,
      params: { ...params },
      disableBc: true,
      WebSocketPolyfill: makeWebSocketClass(this),
      ...(maxBackoffTime ? { maxBackoffTime } : {})
    })
    this.doc.on('update', (update, origin) => {
      if (origin === this.provider) {
        this.counters.updates_received++
        this.counters.update_bytes_received += update.length
      } else {
        this.counters.updates_local++
      }
    })
    this.provider.on('status', ({ status }) => {
      this.status = status
      if (status === 'connected') this.counters.connects++
    })
    this.provider.on('connection-close', (event) => {
      // event is null when the close was local (disconnect() / watchdog)
      if (!event) return
      const err = this.lastError
      this.closes.push({
        code: event.code,
        reason: event.reason || '',
        http_status: err ? err.httpStatus : null
      })
      this.lastError = null
      this.status = 'disconnected'
    })
  }

  get synced () { return this.provider.synced }

  text () { return plainText(this.doc) }

  stateVector () { return toBase64(Y.encodeStateVector(this.doc)) }

  info () {
    return {
      name: this.name,
      url: this.provider.url,
      room: this.room,
      client_id: this.doc.clientID,
      status: this.status,
      synced: this.synced,
      should_connect: this.provider.shouldConnect,
      closes: this.closes
    }
  }

  /**
   * Start connecting (if not already) and wait until synced. Resolves with
   * {synced: true} or {closed: {code, ...}} on the first server/network close
   * seen while waiting; rejects on timeout. On failure the provider is
   * stopped. With keepTrying, closes are ignored (y-websocket keeps
   * reconnecting) until sync or timeout, and the provider is not stopped.
   */
  connectAndWait (timeoutMs, { keepTrying = false, wait = true } = {}) {
    const closesBefore = this.closes.length
    this.provider.connect()
    if (!wait) return Promise.resolve({ synced: this.synced })
    return new Promise((resolve, reject) => {
      let timer = null
      const finish = (fn, value, stop = false) => {
        clearTimeout(timer)
        this.provider.off('sync', onSync)
        this.provider.off('connection-close', onClose)
        // stop outside the provider's own close handling (it is re-entrant)
        if (stop && !keepTrying) setTimeout(() => this.provider.disconnect(), 0)
        fn(value)
      }
      const onSync = (state) => {
        if (state) finish(resolve, { synced: true })
      }
      const onClose = () => {
        // with keepTrying, closes are ignored: wait for a later successful sync
        if (!keepTrying && this.closes.length > closesBefore) {
          finish(resolve, { closed: this.closes[this.closes.length - 1] }, true)
        }
      }
      timer = setTimeout(() => {
        finish(reject, new Error(`timeout after ${timeoutMs} ms waiting for sync (status: ${this.status})`), true)
      }, timeoutMs)
      this.provider.on('sync', onSync)
      this.provider.on('connection-close', onClose)
      if (this.synced) finish(resolve, { synced: true })
    })
  }

  disconnect () { this.provider.disconnect() }

  destroy () {
    this.provider.destroy()
    this.doc.destroy()
  }
}

/**
 * Wait until `predicate()` is true, re-checking on every update of `docs`
 * and every `pollMs`. Rejects with `describe()` in the message on timeout.
 */
export function waitFor (docs, predicate, timeoutMs, describe = () => '', pollMs = 100) {
  return new Promise((resolve, reject) => {
    let done = false
    let timer = null
    let poll = null
    const cleanup = () => {
      done = true
      clearTimeout(timer)
      clearInterval(poll)
      docs.forEach((d) => d.off('update', check))
    }
    const check = () => {
      if (done) return
      let ok = false
      try {
        ok = predicate()
      } catch (err) {
        cleanup()
        reject(err)
        return
      }
      if (ok) {
        cleanup()
        resolve()
      }
    }
    timer = setTimeout(() => {
      if (done) return
      cleanup()
      const err = new Error(`timeout after ${timeoutMs} ms`)
      err.details = describe()
      reject(err)
    }, timeoutMs)
    poll = setInterval(check, pollMs)
    docs.forEach((d) => d.on('update', check))
    check()
  })
}
