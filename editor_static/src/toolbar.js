// Renders the formatting toolbar into `#editor-toolbar` and keeps each
// button's pressed / disabled / visible state in step with the selection.

import { yUndoPluginKey } from '@tiptap/y-tiptap'
import { t } from './i18n.js'
import { TOOLBAR_GROUPS } from './toolbar-items.js'
import { formatShortcut, ariaShortcut } from './shortcuts.js'
import { installRovingFocus, refreshRovingTabindex } from './roving-focus.js'

// Each toolbar action is its own undo step, not merged with nearby typing.
const separateUndoStep = (editor) => {
  yUndoPluginKey.getState(editor.state)?.undoManager?.stopCapturing()
}

const createButton = (item) => {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = `toolbar-button toolbar-button--${item.id}`
  button.dataset.action = item.id
  const label = t(...item.label)
  // A short visible text may stand in for the label; the full label stays
  // the accessible name.
  button.textContent = item.shortLabel ? t(...item.shortLabel) : label
  button.setAttribute('aria-label', label)
  if (item.shortcut) {
    button.title = t('toolbar.shortcut', { label, keys: formatShortcut(item.shortcut) })
    button.setAttribute('aria-keyshortcuts', ariaShortcut(item.shortcut))
  } else {
    button.title = label
  }
  if (item.toggle) button.setAttribute('aria-pressed', 'false')
  return button
}

/**
 * @param {HTMLElement} container  the `#editor-toolbar` element
 * @param {import('@tiptap/core').Editor} editor
 * @returns {{ update: () => void, setHidden: (hidden: boolean) => void }}
 */
export const mountToolbar = (container, editor) => {
  container.replaceChildren()
  container.classList.add('editor-toolbar')
  container.setAttribute('role', 'toolbar')
  container.setAttribute('aria-label', t('toolbar.label'))
  container.setAttribute('aria-controls', 'editor')

  const entries = []
  for (const group of TOOLBAR_GROUPS) {
    const groupEl = document.createElement('div')
    groupEl.className = 'toolbar-group'
    groupEl.setAttribute('role', 'group')
    for (const item of group) {
      const button = createButton(item)
      // Keep the text selection when clicking with the mouse.
      button.addEventListener('mousedown', (event) => event.preventDefault())
      button.addEventListener('click', () => {
        if (button.getAttribute('aria-disabled') === 'true') return
        separateUndoStep(editor)
        item.run(editor)
        separateUndoStep(editor)
        update()
      })
      groupEl.append(button)
      entries.push({ item, button })
    }
    container.append(groupEl)
  }
  installRovingFocus(container)

  function update () {
    if (container.hidden) return
    for (const { item, button } of entries) {
      const visible = item.visible ? item.visible(editor) : true
      button.hidden = !visible
      if (!visible) continue
      const enabled = editor.isEditable && (item.enabled ? item.enabled(editor) : true)
      button.setAttribute('aria-disabled', String(!enabled))
      if (item.toggle) button.setAttribute('aria-pressed', String(!!item.active?.(editor)))
    }
    for (const groupEl of container.children) {
      groupEl.hidden = Array.from(groupEl.children).every((b) => b.hidden)
    }
    refreshRovingTabindex(container)
  }

  // Coalesce the many transactions of fast typing into one refresh a frame.
  let scheduled = false
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    requestAnimationFrame(() => {
      scheduled = false
      update()
    })
  }
  editor.on('transaction', schedule)
  editor.on('focus', schedule)
  update()

  return {
    update,
    setHidden: (hidden) => {
      container.hidden = hidden
      if (!hidden) update()
    },
  }
}
