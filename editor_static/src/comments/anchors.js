// Comment anchors: the selection's `from` and `to` as Yjs relative positions
// (base64 of Y.encodeRelativePosition), so they follow concurrent edits. The
// conversions go through y-tiptap's binding mapping between the shared
// `content` fragment and the ProseMirror document.

import * as Y from 'yjs'
import {
  ySyncPluginKey,
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
} from '@tiptap/y-tiptap'

export const FRAGMENT = 'content'
/** Longest quote sent with a new comment (the anchor is what counts). */
export const MAX_QUOTE = 1000

const toBase64 = (bytes) => {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i])
  return btoa(binary)
}

const fromBase64 = (text) => {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** y-tiptap's ProsemirrorBinding for this editor state, if the view exists. */
export const bindingOf = (state) => ySyncPluginKey.getState(state)?.binding ?? null

/**
 * Anchor and quote for the current (non-empty) selection.
 * @returns {{ anchor: { start: string, end: string }, quote: string, from: number, to: number }|null}
 */
export const anchorSelection = (editor, ydoc) => {
  const { state } = editor
  const { from, to } = state.selection
  const binding = bindingOf(state)
  if (from >= to || !binding) return null
  const fragment = ydoc.getXmlFragment(FRAGMENT)
  const start = absolutePositionToRelativePosition(from, fragment, binding.mapping)
  const end = absolutePositionToRelativePosition(to, fragment, binding.mapping)
  let quote = state.doc.textBetween(from, to, '\n')
  if (quote.length > MAX_QUOTE) quote = quote.slice(0, MAX_QUOTE - 1) + '…'
  return {
    anchor: {
      start: toBase64(Y.encodeRelativePosition(start)),
      end: toBase64(Y.encodeRelativePosition(end)),
    },
    quote,
    from,
    to,
  }
}

/** Base64 of a relative position at `index` of a Y.XmlText, as y-tiptap makes it. */
export const encodeTextPosition = (text, index) =>
  toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, -1)))

/** Decode a stored anchor; null when it is missing or malformed. */
export const decodeAnchor = (anchor) => {
  if (!anchor || typeof anchor.start !== 'string' || typeof anchor.end !== 'string') return null
  try {
    return {
      start: Y.decodeRelativePosition(fromBase64(anchor.start)),
      end: Y.decodeRelativePosition(fromBase64(anchor.end)),
    }
  } catch {
    return null
  }
}

// A position naming an item this client has not received yet cannot be
// resolved now, but may be once the update arrives: not "deleted".
const notYetReceived = (ydoc, rel) => {
  const id = rel.item || rel.type
  return Boolean(id) && Y.getState(ydoc.store, id.client) <= id.clock
}

/**
 * Resolve decoded positions against the current document.
 * @returns {{ from: number, to: number }|'detached'|'unknown'}
 */
export const resolveAnchor = (ydoc, binding, decoded, docSize) => {
  if (!decoded) return 'detached'
  if (!binding) return 'unknown'
  if (notYetReceived(ydoc, decoded.start) || notYetReceived(ydoc, decoded.end)) return 'unknown'
  let from = null
  let to = null
  try {
    const fragment = ydoc.getXmlFragment(FRAGMENT)
    from = relativePositionToAbsolutePosition(ydoc, fragment, decoded.start, binding.mapping)
    to = relativePositionToAbsolutePosition(ydoc, fragment, decoded.end, binding.mapping)
  } catch {
    return 'detached'
  }
  if (from === null || to === null || from >= to) return 'detached'
  if (from < 0 || to > docSize) return 'detached'
  return { from, to }
}
