// Server acknowledgements: custom y-websocket message type 100, sent after the
// server has durably stored updates received from this connection.
// Payload: varUint(n), then n × (varUint(clientID), varUint(clock)), meaning
// "everything clientID wrote below clock is stored".

import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'

export const MESSAGE_ACK = 100

/** Read the payload of an ack message (after its type). */
export const readAck = (decoder) => {
  const count = decoding.readVarUint(decoder)
  const entries = []
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    entries.push([client, clock])
  }
  return entries
}

/**
 * Tracks what this client wrote and what the server confirmed storing.
 *
 * Deletions do not advance a Yjs clock, so a change that only deletes text
 * cannot be named in an ack. It counts as stored once a later ack arrives.
 */
export class AckTracker {
  /** @param {Y.Doc} ydoc */
  constructor (ydoc) {
    this.ydoc = ydoc
    /** @type {Map<number, number>} highest stored clock per client */
    this.acked = new Map()
    /** client ids this document wrote under (Yjs may change its id) */
    this.ownClients = new Set()
    this.ackCount = 0
    this.deletionsPendingAt = -1
    this.listeners = new Set()
    this._onAfterTransaction = (tr) => {
      if (!tr.local) return
      const before = tr.beforeState.get(ydoc.clientID) ?? 0
      const after = tr.afterState.get(ydoc.clientID) ?? 0
      if (after > before) this.ownClients.add(ydoc.clientID)
      else if (tr.deleteSet.clients.size > 0) this.deletionsPendingAt = this.ackCount
      else return
      this._emit()
    }
    ydoc.on('afterTransaction', this._onAfterTransaction)
  }

  /** Record acknowledged (client, clock) pairs. */
  applyAck (entries) {
    for (const [client, clock] of entries) {
      if (clock > (this.acked.get(client) ?? 0)) this.acked.set(client, clock)
    }
    this.ackCount++
    if (this.deletionsPendingAt >= 0 && this.ackCount > this.deletionsPendingAt) {
      this.deletionsPendingAt = -1
    }
    this._emit()
  }

  /** Decode an ack message body and record it. */
  handleMessage (decoder) {
    this.applyAck(readAck(decoder))
  }

  /** True while some local change has not been confirmed as stored. */
  hasUnsaved () {
    if (this.deletionsPendingAt >= 0) return true
    const store = this.ydoc.store
    const clients = new Set(this.ownClients)
    clients.add(this.ydoc.clientID)
    for (const client of clients) {
      if (Y.getState(store, client) > (this.acked.get(client) ?? 0)) return true
    }
    return false
  }

  onChange (listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  _emit () {
    for (const listener of this.listeners) listener()
  }

  destroy () {
    this.ydoc.off('afterTransaction', this._onAfterTransaction)
    this.listeners.clear()
  }
}

/**
 * Install the type-100 handler on one provider. y-websocket copies its
 * handler table per instance (`provider.messageHandlers`), and calls each
 * handler as (encoder, decoder, provider, emitSynced, messageType); anything
 * written to the encoder would be sent back, so this handler writes nothing.
 */
export const installAckHandler = (provider, tracker) => {
  provider.messageHandlers[MESSAGE_ACK] = (_encoder, decoder) => {
    tracker.handleMessage(decoder)
  }
}
