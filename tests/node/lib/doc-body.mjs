// Helpers for the document body: a Y.XmlFragment named `content` holding
// ProseMirror-shaped nodes (<paragraph> elements containing Y.XmlText), as
// written by y-prosemirror.
import * as Y from 'yjs'

export const FRAGMENT_NAME = 'content'

export const fragmentOf = (doc) => doc.getXmlFragment(FRAGMENT_NAME)

const isParagraph = (node) =>
  node instanceof Y.XmlElement && node.nodeName === 'paragraph'

/** First XmlText of the first <paragraph>, or null if there is none. */
export function findFirstText (doc) {
  const para = fragmentOf(doc).toArray().find(isParagraph)
  if (!para) return null
  return para.toArray().find((n) => n instanceof Y.XmlText) || null
}

/**
 * First XmlText of the first <paragraph>, creating the paragraph and/or the
 * XmlText when missing. Must be called inside a transaction.
 */
function ensureFirstText (doc) {
  const fragment = fragmentOf(doc)
  let para = fragment.toArray().find(isParagraph)
  if (!para) {
    para = new Y.XmlElement('paragraph')
    fragment.push([para])
  }
  let text = para.toArray().find((n) => n instanceof Y.XmlText)
  if (!text) {
    text = new Y.XmlText()
    para.insert(0, [text])
  }
  return text
}

/** Resolve an index argument (number or "end") against a text length. */
function resolveIndex (index, length) {
  if (index === 'end' || index === undefined || index === null) return length
  if (!Number.isInteger(index) || index < 0) {
    throw new Error(`invalid index: ${JSON.stringify(index)}`)
  }
  if (index > length) {
    throw new Error(`index ${index} beyond text length ${length}`)
  }
  return index
}

/** Insert `str` into the first paragraph's text; returns the index used. */
export function insertText (doc, index, str, origin = null) {
  if (typeof str !== 'string') throw new Error('"text" must be a string')
  let at = 0
  doc.transact(() => {
    const ytext = ensureFirstText(doc)
    at = resolveIndex(index, ytext.length)
    ytext.insert(at, str)
  }, origin)
  return at
}

/** Delete `length` characters at `index` from the first paragraph's text. */
export function deleteText (doc, index, length, origin = null) {
  const ytext = findFirstText(doc)
  if (!ytext) throw new Error('document has no paragraph text')
  if (!Number.isInteger(length) || length < 0) {
    throw new Error(`invalid length: ${JSON.stringify(length)}`)
  }
  const at = resolveIndex(index, ytext.length)
  if (at + length > ytext.length) {
    throw new Error(`range ${at}+${length} beyond text length ${ytext.length}`)
  }
  doc.transact(() => ytext.delete(at, length), origin)
}

/** Append a new <paragraph> holding `str` at the end of the fragment. */
export function appendParagraph (doc, str, origin = null) {
  if (typeof str !== 'string') throw new Error('"text" must be a string')
  doc.transact(() => {
    const para = new Y.XmlElement('paragraph')
    fragmentOf(doc).push([para])
    if (str.length > 0) {
      const ytext = new Y.XmlText()
      para.insert(0, [ytext])
      ytext.insert(0, str)
    }
  }, origin)
}

/** Plain text of any node: XmlText string inserts, elements concatenated. */
export function nodeText (node) {
  if (node instanceof Y.XmlText) {
    return node.toDelta()
      .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
      .join('')
  }
  if (node instanceof Y.XmlElement) return node.toArray().map(nodeText).join('')
  return ''
}

/** Plain text of the whole body: top-level block texts joined by "\n". */
export function plainText (doc) {
  return fragmentOf(doc).toArray().map(nodeText).join('\n')
}
