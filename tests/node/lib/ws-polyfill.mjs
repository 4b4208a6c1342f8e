// WebSocket class factory for y-websocket under Node: wraps the `ws` package so
// that extra HTTP headers (Cookie, Origin, ...) are sent on the handshake, and
// counts traffic and handshake errors for the owning client.
import WebSocket from 'ws'

const HTTP_STATUS_RE = /Unexpected server response: (\d+)/

/**
 * Build a WebSocket class bound to `owner`.
 * y-websocket calls `new WebSocketPolyfill(url, protocols)`; the handshake
 * headers are read from `owner.headers` at construction time, so changing
 * them before a reconnect takes effect on the next handshake.
 *
 * `owner` must provide: headers (object), counters (object with
 * ws_in_msgs, ws_in_bytes, ws_out_msgs, ws_out_bytes), lastError (settable).
 */
export function makeWebSocketClass (owner) {
  return class HeaderWebSocket extends WebSocket {
    constructor (url, protocols) {
      super(url, protocols, { headers: { ...(owner.headers || {}) } })
      this.on('message', (data) => {
        owner.counters.ws_in_msgs++
        owner.counters.ws_in_bytes += byteLength(data)
      })
      this.on('error', (err) => {
        const message = String((err && err.message) || err)
        const match = HTTP_STATUS_RE.exec(message)
        owner.lastError = {
          message,
          httpStatus: match ? Number(match[1]) : null
        }
      })
    }

    send (data, ...rest) {
      owner.counters.ws_out_msgs++
      owner.counters.ws_out_bytes += byteLength(data)
      return super.send(data, ...rest)
    }
  }
}

function byteLength (data) {
  if (data == null) return 0
  if (typeof data === 'string') return Buffer.byteLength(data)
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0)
  return data.byteLength ?? data.length ?? 0
}
