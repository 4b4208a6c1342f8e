// Human-readable keyboard shortcuts for tooltips ("Ctrl+B", "⌘B") and the
// matching `aria-keyshortcuts` value, from Tiptap/ProseMirror key names.

import { t } from './i18n.js'

const isApple = () => /Mac|iPhone|iPad|iPod/.test(navigator.platform || navigator.userAgent || '')

/** "Mod-Shift-z" → "Ctrl+Maj+Z" (or "⌘⇧Z" on Apple devices). */
export const formatShortcut = (keys) => {
  const parts = keys.split('-')
  const apple = isApple()
  const names = parts.map((part) => {
    switch (part) {
      case 'Mod': return apple ? '⌘' : t('keys.mod')
      case 'Shift': return apple ? '⇧' : t('keys.shift')
      case 'Alt': return apple ? '⌥' : t('keys.alt')
      default: return part.length === 1 ? part.toUpperCase() : part
    }
  })
  return names.join(apple ? '' : '+')
}

/** "Mod-Shift-z" → "Control+Shift+Z" for aria-keyshortcuts. */
export const ariaShortcut = (keys) => keys.split('-').map((part) => {
  if (part === 'Mod') return isApple() ? 'Meta' : 'Control'
  return part.length === 1 ? part.toUpperCase() : part
}).join('+')
