// Renders a comment body (plain text) as DOM nodes: line breaks kept, http(s)
// addresses as links, @mentions in bold. Everything is built with text nodes,
// so no user text is ever parsed as HTML.

import { h } from './dom.js'

const URL_RE = /https?:\/\/[^\s<>"]+/gi
// Closing punctuation that usually ends a sentence, not the address.
const TRAILING = /[.,;:!?'"»)\]}]+$/

const safeHref = (text) => {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A regexp matching `@Full Name` for known members, else `@word`. */
export const mentionPattern = (members = []) => {
  const names = members.map((m) => m.name).filter(Boolean)
    .sort((a, b) => b.length - a.length).map(escapeRe)
  const word = "[\\p{L}\\p{M}][\\p{L}\\p{M}\\p{N}'’-]*"
  const alternatives = names.length ? `(?:${names.join('|')})(?![\\p{L}\\p{N}])|${word}` : word
  return new RegExp(`(^|[^\\p{L}\\p{N}_@])@(${alternatives})`, 'giu')
}

const appendMentions = (parent, text, pattern) => {
  let last = 0
  pattern.lastIndex = 0
  for (const match of text.matchAll(pattern)) {
    const start = match.index + match[1].length
    if (start > last) parent.append(text.slice(last, start))
    const mention = `@${match[2]}`
    parent.append(h('strong', { className: 'comment-mention', text: mention }))
    last = start + mention.length
  }
  if (last < text.length) parent.append(text.slice(last))
}

/**
 * @param {HTMLElement} parent  receives the nodes
 * @param {string} body
 * @param {RegExp} pattern  from mentionPattern()
 */
export const renderBody = (parent, body, pattern) => {
  const text = String(body ?? '')
  let last = 0
  for (const match of text.matchAll(URL_RE)) {
    let raw = match[0]
    const trailing = raw.match(TRAILING)
    if (trailing) raw = raw.slice(0, raw.length - trailing[0].length)
    const href = raw && safeHref(raw)
    if (!href) continue
    if (match.index > last) appendMentions(parent, text.slice(last, match.index), pattern)
    parent.append(h('a', {
      href, rel: 'noopener noreferrer', target: '_blank', className: 'comment-link', text: raw,
    }))
    last = match.index + raw.length
  }
  if (last < text.length) appendMentions(parent, text.slice(last), pattern)
  return parent
}
