// How other people's carets and selections are drawn in the text: a thin
// coloured bar with a name label whose text colour keeps AA contrast.

import { safeColor, readableTextColor } from './colors.js'
import { t } from './i18n.js'

/** DOM for a remote caret (used as a ProseMirror widget decoration). */
export const renderCaret = (user) => {
  const color = safeColor(user.color)
  const caret = document.createElement('span')
  caret.className = 'collaboration-carets__caret'
  caret.style.borderColor = color
  const label = document.createElement('span')
  label.className = 'collaboration-carets__label'
  label.style.backgroundColor = color
  label.style.color = readableTextColor(color)
  label.textContent = user.name || t('presence.anonymous')
  caret.append(label)
  return caret
}

/** Decoration attributes for a remote selection (translucent highlight). */
export const renderSelection = (user) => ({
  nodeName: 'span',
  class: 'collaboration-carets__selection',
  style: `background-color: ${safeColor(user.color)}33`,
})
