// Live updates of the comment list. The server sends custom y-websocket
// message type 102 (varString JSON `{"event":"comments"}`) on the document's
// socket when comments this connection may see change; the list is then
// fetched again (debounced). It is also fetched again after a reconnection.

import * as decoding from 'lib0/decoding'

export const MESSAGE_COMMENTS = 102
const DEBOUNCE_MS = 100

/**
 * @param {object} provider  y-websocket provider
 * @param {() => void} refetch
 * @returns {() => void} uninstall
 */
export const installCommentsLive = (provider, refetch) => {
  let timer = null
  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      refetch()
    }, DEBOUNCE_MS)
  }
  // Called as (encoder, decoder, provider, emitSynced, type); writes nothing back.
  provider.messageHandlers[MESSAGE_COMMENTS] = (_encoder, decoder) => {
    let payload = null
    try {
      payload = JSON.parse(decoding.readVarString(decoder))
    } catch {
      return
    }
    if (payload && payload.event === 'comments') schedule()
  }
  // Also after each (re)connection: changes made meanwhile were not signalled.
  const onSync = (synced) => {
    if (synced) schedule()
  }
  provider.on('sync', onSync)
  return () => {
    clearTimeout(timer)
    provider.off('sync', onSync)
    delete provider.messageHandlers[MESSAGE_COMMENTS]
  }
}
