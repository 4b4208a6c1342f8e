// Comments whose passage came back. Yjs re-inserts undone text as new items,
// so a comment anchored to the deleted ones stays "passage supprimé" even
// when the same words reappear. When the quote is back in the paragraph that
// held the passage, this client proposes a new anchor on those words; the
// server checks it and tells every open editor, so all readers see the
// comment back in place.

import * as Y from 'yjs'
import { encodeTextPosition } from './anchors.js'

const plainOf = (text) =>
  text.toDelta().map((op) => (typeof op.insert === 'string' ? op.insert : '\ufffc')).join('')

/**
 * A new anchor on the quote's occurrence nearest to where the passage was,
 * or null when the quote is not back in that paragraph.
 * @param {import('yjs').Doc} ydoc
 * @param {{ quote: string }} thread
 * @param {{ start: object, end: object }|null} decoded
 */
export const returnedAnchor = (ydoc, thread, decoded) => {
  const quote = typeof thread.quote === 'string' ? thread.quote : ''
  if (!decoded || !quote || quote.includes('\n')) return null
  let where = null
  try {
    where = Y.createAbsolutePositionFromRelativePosition(decoded.end, ydoc)
  } catch {
    return null
  }
  // null when the whole paragraph went away: nothing left to compare with.
  if (!where || !(where.type instanceof Y.XmlText)) return null
  const text = plainOf(where.type)
  let best = -1
  let bestDistance = Infinity
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
    const distance = Math.min(Math.abs(at - where.index), Math.abs(at + quote.length - where.index))
    if (distance < bestDistance) {
      best = at
      bestDistance = distance
    }
  }
  if (best < 0) return null
  return {
    start: encodeTextPosition(where.type, best),
    end: encodeTextPosition(where.type, best + quote.length),
  }
}

/**
 * Proposes new anchors for detached threads whose words came back, each
 * proposal once. `check(threads, statusOf)` is cheap when nothing is detached.
 */
export const createReattacher = ({ ydoc, api, decodedFor, onDone }) => {
  const proposed = new Set()
  let busy = false
  return async (threads, statusOf) => {
    if (busy) return
    const wanted = []
    for (const thread of threads) {
      if (statusOf(thread.id) !== 'detached' || !thread.anchor) continue
      const anchor = returnedAnchor(ydoc, thread, decodedFor(thread))
      const key = anchor && `${thread.id}|${anchor.start}|${anchor.end}`
      if (key && !proposed.has(key)) wanted.push({ thread, anchor, key })
    }
    if (!wanted.length) return
    busy = true
    try {
      for (const { thread, anchor, key } of wanted) {
        proposed.add(key)
        // 409: another reader was quicker; 422: the text moved on meanwhile.
        await api.reattach(thread.id, anchor).catch(() => null)
      }
    } finally {
      busy = false
    }
    onDone()
  }
}
