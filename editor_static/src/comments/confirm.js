// A modal confirmation built on <dialog>: focus starts on the safe choice,
// Esc cancels, and the browser returns focus where it was on close.

import { h } from './dom.js'
import { t } from '../i18n.js'

/**
 * @param {HTMLElement} host  where the dialog element lives (for styling)
 * @param {{ title: string, message: string, confirmLabel: string }} texts
 * @returns {Promise<boolean>}
 */
export const confirmDialog = (host, { title, message, confirmLabel }) => new Promise((resolve) => {
  const titleId = `comments-confirm-title-${Date.now()}`
  const cancel = h('button', { type: 'button', className: 'comment-button', autofocus: true },
    t('comments.form.cancel'))
  const confirm = h('button', { type: 'button', className: 'comment-button comment-button--danger' },
    confirmLabel)
  const dialog = h('dialog', { className: 'comments-dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId, className: 'comments-dialog-title', text: title }),
    h('p', { text: message }),
    h('div', { className: 'comment-form-buttons' }, confirm, cancel))
  let answer = false
  cancel.addEventListener('click', () => dialog.close())
  confirm.addEventListener('click', () => {
    answer = true
    dialog.close()
  })
  dialog.addEventListener('close', () => {
    dialog.remove()
    resolve(answer)
  })
  host.append(dialog)
  dialog.showModal()
  cancel.focus()
})
