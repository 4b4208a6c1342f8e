// The "new comment" form shown at the top of the panel for the selected
// passage: text, optional category, and the private-note checkbox (forced on
// for roles that may only annotate, in which case the action reads "Annoter").

import { h, uniqueId } from './dom.js'
import { createTextForm } from './text-form.js'
import { t } from '../i18n.js'

/**
 * @param {object} opts
 * @param {import('./page-data.js').CommentsConfig} opts.config
 * @param {{ id: number, name: string }[]} opts.members   mention candidates
 * @param {(payload: object) => Promise<void>} opts.onSubmit
 *        payload: { body, category, private, mentions }
 * @param {() => void} opts.onClose   after cancel or success
 */
export const createComposer = ({ config, members, onSubmit, onClose }) => {
  const container = h('section', {
    className: 'comments-compose', hidden: true, 'aria-label': t('comments.compose.label'),
  })
  let form = null

  const open = ({ quote }) => {
    const onlyPrivate = !config.canComment
    const categoryId = uniqueId('comment-category')
    const category = h('select', { id: categoryId, className: 'comment-select' },
      h('option', { value: '' }, t('comments.form.noCategory')),
      config.categories.map((c) => h('option', { value: c }, c)))
    const privateId = uniqueId('comment-private')
    const privateBox = h('input', {
      type: 'checkbox', id: privateId, checked: onlyPrivate, disabled: onlyPrivate,
    })
    const submitLabel = () => t(privateBox.checked ? 'comments.form.submitPrivate' : 'comments.form.submit')
    const extra = [
      config.categories.length
        ? h('div', { className: 'comment-row' },
          h('label', { for: categoryId, className: 'comment-label', text: t('comments.form.category') }),
          category)
        : null,
      h('div', { className: 'comment-check' },
        privateBox,
        h('label', { for: privateId, text: t('comments.form.private') })),
      onlyPrivate ? h('p', { className: 'comment-hint', text: t('comments.form.privateOnly') }) : null,
    ].filter(Boolean)

    form = createTextForm({
      label: t('comments.form.label'),
      submitLabel: submitLabel(),
      focusKey: 'compose',
      members,
      extra,
      onCancel: () => close(),
      onSubmit: async (body, mentions) => {
        const isPrivate = privateBox.checked
        await onSubmit({
          body,
          category: category.value || null,
          private: isPrivate,
          // Nobody else sees a private note: nobody to notify.
          mentions: isPrivate ? [] : mentions,
        })
        close()
      },
    })
    privateBox.addEventListener('change', () => form.setSubmitLabel(submitLabel()))

    const excerpt = h('blockquote', { className: 'comment-quote comment-quote--draft' })
    excerpt.textContent = quote
    container.replaceChildren(
      h('p', { className: 'comment-compose-title', text: t('comments.form.quote') }),
      excerpt,
      form.element)
    container.hidden = false
    form.focus()
  }

  const close = () => {
    if (container.hidden) return
    container.hidden = true
    container.replaceChildren()
    form = null
    onClose()
  }

  return {
    element: container,
    open,
    close,
    focus: () => {
      form?.focus()
      return true
    },
    isOpen: () => !container.hidden,
  }
}
