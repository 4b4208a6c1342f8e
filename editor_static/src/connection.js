// Creates the Yjs document and its y-websocket connection for one document:
// `<ws base>/<document id>?ack=1`, stopping for good on 44xx refusals.

import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

/** Close codes 4400–4499 are deliberate refusals: reconnecting cannot help. */
export const isRefusal = (code) => code >= 4400 && code < 4500

/**
 * @param {{ wsUrlBase: string, documentId: string }} config
 * @returns {{ ydoc: Y.Doc, provider: WebsocketProvider }}
 */
export const connect = ({ wsUrlBase, documentId }) => {
  const ydoc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrlBase, documentId, ydoc, {
    params: { ack: '1' },
    shouldReconnect: (event) => !isRefusal(event.code),
  })
  return { ydoc, provider }
}
