// The "Commenter" button floating under a non-empty text selection, and the
// Ctrl+Alt+M shortcut that opens the new-comment form for the selection.

import { h } from './dom.js'
import { t } from '../i18n.js'

const MARGIN = 6

// By character first: on a French AZERTY keyboard the M key is not at
// QWERTY's KeyM position. "µ" is what Alt+M types on Apple keyboards.
const isShortcut = (event) =>
  (event.ctrlKey || event.metaKey) && event.altKey && !event.shiftKey &&
  (['m', 'M', 'µ'].includes(event.key) || event.code === 'KeyM')

/**
 * @param {object} opts
 * @param {import('@tiptap/core').Editor} opts.editor
 * @param {HTMLElement} opts.surface   `#editor`, the button's positioning box
 * @param {HTMLElement} opts.root      `#document-editor`
 * @param {string} opts.label
 * @param {() => boolean} opts.open     opens the form; false if nothing selected
 * @param {() => boolean} opts.busy     true while the form is open
 */
export const mountSelectionButton = ({ editor, surface, root, label, open, busy }) => {
  const floating = h('button', {
    type: 'button',
    className: 'comments-float',
    // Keyboard users have the shortcut and the panel's button.
    tabindex: '-1',
    hidden: true,
    'aria-keyshortcuts': 'Control+Alt+M',
    title: t('comments.new.title', { label }),
  }, label)
  // Keep the text selection when clicking.
  floating.addEventListener('mousedown', (event) => event.preventDefault())
  floating.addEventListener('click', () => {
    if (open()) floating.hidden = true
  })
  surface.append(floating)

  let frame = 0
  const place = () => {
    frame = 0
    const { selection } = editor.state
    if (editor.isDestroyed || selection.empty || busy()) {
      floating.hidden = true
      return
    }
    let coords
    try {
      coords = editor.view.coordsAtPos(selection.to)
    } catch {
      floating.hidden = true
      return
    }
    const box = surface.getBoundingClientRect()
    floating.hidden = false
    const maxLeft = Math.max(MARGIN, box.width - floating.offsetWidth - MARGIN)
    floating.style.top = `${Math.round(coords.bottom - box.top + MARGIN)}px`
    floating.style.left = `${Math.round(Math.min(Math.max(coords.left - box.left, MARGIN), maxLeft))}px`
  }
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(place)
  }
  editor.on('selectionUpdate', schedule)
  editor.on('transaction', schedule)
  window.addEventListener('resize', schedule)

  const onKey = (event) => {
    if (!isShortcut(event) || event.defaultPrevented) return
    const target = event.target
    if (target !== document.body && !root.contains(target)) return
    event.preventDefault()
    open()
  }
  document.addEventListener('keydown', onKey)

  return {
    update: schedule,
    destroy: () => {
      cancelAnimationFrame(frame)
      editor.off('selectionUpdate', schedule)
      editor.off('transaction', schedule)
      window.removeEventListener('resize', schedule)
      document.removeEventListener('keydown', onKey)
      floating.remove()
    },
  }
}
