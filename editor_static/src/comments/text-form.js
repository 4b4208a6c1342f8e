// A comment text form shared by "new comment", "reply" and "edit": labelled
// textarea with a character counter, @mention autocomplete, an error area,
// Ctrl+Enter to submit and Esc to cancel. Extra fields may be slotted in.

import { h, button, uniqueId } from './dom.js'
import { attachMentions } from './mentions.js'
import { t } from '../i18n.js'

export const MAX_BODY = 5000
const WARN_AT = MAX_BODY - 200

/**
 * @param {object} opts
 * @param {string} opts.label           textarea label
 * @param {string} opts.submitLabel
 * @param {string} [opts.value]         initial text
 * @param {string} [opts.focusKey]      identifies the textarea across re-renders
 * @param {string} [opts.className]
 * @param {{ id: number, name: string }[]} [opts.members]  for @mentions
 * @param {HTMLElement[]} [opts.extra]  more fields, between text and buttons
 * @param {(text: string) => void} [opts.onInput]
 * @param {(text: string, mentions: number[]) => Promise<void>} opts.onSubmit
 * @param {() => void} opts.onCancel
 */
export const createTextForm = (opts) => {
  const id = uniqueId('comment-text')
  const counter = h('span', { id: `${id}-count`, className: 'comment-counter' })
  const hint = h('span', { id: `${id}-hint`, className: 'comment-hint', text: t('comments.form.hint') })
  const textarea = h('textarea', {
    id,
    className: 'comment-textarea',
    rows: 3,
    maxlength: MAX_BODY,
    'aria-describedby': `${id}-count ${id}-hint`,
    dataset: opts.focusKey ? { focusKey: opts.focusKey } : {},
  })
  textarea.value = opts.value || ''
  const mentions = attachMentions(textarea, opts.members || [])
  const error = h('p', { className: 'comment-error', role: 'alert', hidden: true })
  const submit = h('button', {
    type: 'submit',
    className: 'comment-button comment-button--primary',
    dataset: opts.focusKey ? { focusKey: `${opts.focusKey}-submit` } : {},
  }, opts.submitLabel)
  const cancel = button(t('comments.form.cancel'), () => opts.onCancel(), {
    className: 'comment-button',
  })

  const updateCounter = () => {
    const length = textarea.value.length
    counter.textContent = t('comments.form.counter', { count: length, max: MAX_BODY })
    counter.classList.toggle('is-near-limit', length >= WARN_AT)
  }
  updateCounter()
  textarea.addEventListener('input', () => {
    updateCounter()
    opts.onInput?.(textarea.value)
  })

  const form = h('form', { className: `comment-form ${opts.className || ''}`.trim(), novalidate: true },
    h('label', { for: id, className: 'comment-label', text: opts.label }),
    h('div', { className: 'comment-field' }, textarea, mentions.list),
    h('div', { className: 'comment-meta' }, counter, hint),
    ...(opts.extra || []),
    error,
    h('div', { className: 'comment-form-buttons' }, submit, cancel))

  const setError = (message) => {
    error.textContent = message || ''
    error.hidden = !message
  }

  let busy = false
  const send = async () => {
    if (busy) return
    const text = textarea.value.trim()
    if (!text) {
      setError(t('comments.form.empty'))
      textarea.focus()
      return
    }
    busy = true
    submit.disabled = true
    form.setAttribute('aria-busy', 'true')
    setError('')
    try {
      await opts.onSubmit(text, mentions.ids())
    } catch (err) {
      setError(err?.message || t('comments.error.network'))
      textarea.focus()
    } finally {
      busy = false
      submit.disabled = false
      form.removeAttribute('aria-busy')
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    send()
  })
  // The mention list stops the keys it uses before they reach the form.
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      send()
    } else if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      opts.onCancel()
    }
  })

  return {
    element: form,
    textarea,
    submit,
    setError,
    setSubmitLabel: (label) => { submit.textContent = label },
    focus: () => {
      textarea.focus()
      const end = textarea.value.length
      textarea.setSelectionRange(end, end)
    },
  }
}
