// Switches the editor between editing and read-only: editable flag, toolbar
// visibility and the read-only banner shown to roles that cannot edit.

import { t } from './i18n.js'

const BANNER_ID = 'editor-readonly-banner'

const showBanner = (beforeElement) => {
  if (document.getElementById(BANNER_ID) || !beforeElement.parentNode) return
  const banner = document.createElement('p')
  banner.id = BANNER_ID
  banner.className = 'readonly-banner'
  banner.setAttribute('role', 'note')
  banner.textContent = t('readonly.banner')
  beforeElement.parentNode.insertBefore(banner, beforeElement)
}

/**
 * @param {object} opts
 * @param {import('@tiptap/core').Editor} opts.editor
 * @param {{ setHidden: (hidden: boolean) => void }|null} opts.toolbar
 * @param {HTMLElement} opts.root  the `#document-editor` element
 * @param {HTMLElement} opts.surface  the `#editor` element
 * @param {boolean} [opts.banner]  show the "read only" explanation
 */
export const makeReadOnly = ({ editor, toolbar, root, surface, banner = true }) => {
  if (editor.isEditable) editor.setEditable(false)
  if (toolbar) toolbar.setHidden(true)
  root.dataset.mode = 'readonly'
  if (banner) showBanner(surface)
}

/** The opposite of makeReadOnly, when the server grants write access again. */
export const makeEditable = ({ editor, toolbar, root }) => {
  if (!editor.isEditable) editor.setEditable(true)
  if (toolbar) toolbar.setHidden(false)
  root.dataset.mode = 'edit'
  document.getElementById(BANNER_ID)?.remove()
}

// Custom y-websocket message type 101: the server tells this connection that its
// write access changed (a manager changed the role): one byte, 1 = may edit.
export const MESSAGE_ACCESS = 101

export const installAccessHandler = (provider, onChange) => {
  provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
    onChange(decoder.arr[decoder.pos++] === 1)
  }
}
