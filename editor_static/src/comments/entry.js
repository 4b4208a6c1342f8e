// One comment inside a thread card (the first one or a reply): author,
// relative date, moderation badges, body (or its edit form) and the actions
// the server allows through the can_* flags.

import { h, button } from './dom.js'
import { renderBody } from './rich-text.js'
import { setTime } from './dates.js'
import { createTextForm } from './text-form.js'
import { t } from '../i18n.js'

export const badge = (kind, text) => h('span', { className: `comment-badge comment-badge--${kind}`, text })

/** Badges for the moderation state of one comment. */
export const moderationBadges = (comment) => [
  comment.moderation === 'pending' ? badge('pending', t('comments.badge.pending')) : null,
  comment.moderation === 'hidden' ? badge('hidden', t('comments.badge.hidden')) : null,
]

const authorName = (comment) => comment.author?.name || t('comments.author.unknown')

/**
 * @param {object} comment  as sent by the API
 * @param {object} ctx      { ui, actions, pattern, members, reportError }
 * @param {boolean} isRoot
 */
export const renderEntry = (comment, ctx, isRoot) => {
  const { ui, actions } = ctx
  const id = comment.id
  const editing = ui.editing.has(id)
  const time = h('time', { className: 'comment-date' })
  setTime(time, comment.created_at)
  const head = h('div', { className: 'comment-head' },
    h('span', { className: 'comment-author', id: `comment-author-${id}`, text: authorName(comment) }),
    ' ',
    time,
    comment.edited ? h('span', { className: 'comment-edited', text: ` ${t('comments.edited')}` }) : null)

  let content
  if (editing) {
    const key = `edit-${id}`
    const form = createTextForm({
      label: t('comments.form.editLabel'),
      submitLabel: t('comments.form.save'),
      value: ui.drafts.get(key) ?? comment.body,
      focusKey: key,
      members: ctx.members,
      onInput: (text) => ui.drafts.set(key, text),
      onCancel: () => actions.stopEditing(id),
      onSubmit: (text) => actions.edit(id, text),
    })
    content = form.element
  } else {
    content = renderBody(h('div', { className: 'comment-body' }), comment.body, ctx.pattern)
  }

  const run = (fn) => () => fn().catch((err) => ctx.reportError(err))
  const buttons = []
  if (comment.can_edit && !editing) {
    buttons.push(button(t('comments.action.edit'), () => actions.startEditing(id),
      { className: 'comment-action', dataset: { focusKey: `edit-btn-${id}` } }))
  }
  if (comment.can_delete) {
    buttons.push(button(t('comments.action.delete'), run(() => actions.remove(comment, isRoot)),
      { className: 'comment-action comment-action--danger', dataset: { focusKey: `delete-${id}` } }))
  }
  if (comment.can_moderate) {
    const hidden = comment.moderation !== 'visible'
    buttons.push(button(t(hidden ? 'comments.action.approve' : 'comments.action.hide'),
      run(() => actions.moderate(id, hidden ? 'visible' : 'hidden')),
      { className: 'comment-action', dataset: { focusKey: `moderate-${id}` } }))
  }

  const badges = isRoot ? [] : moderationBadges(comment).filter(Boolean)
  return h('div', {
    className: `comment-entry${isRoot ? ' comment-entry--root' : ' comment-entry--reply'}`,
    dataset: { commentId: String(id) },
  },
  head,
  badges.length ? h('div', { className: 'comment-badges' }, badges) : null,
  content,
  buttons.length ? h('div', { className: 'comment-actions' }, buttons) : null)
}
