// A thread card in the panel: badges (status, category, private note,
// moderation), the quoted passage (a button that shows it in the text, or
// "Passage supprimé" when it no longer exists), the comment, its replies,
// the reply form and the thread actions.

import { h, button } from './dom.js'
import { renderEntry, badge, moderationBadges } from './entry.js'
import { createTextForm } from './text-form.js'
import { t } from '../i18n.js'

const QUOTE_LABEL_MAX = 80

const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

const quoteBlock = (thread, where, actions) => {
  const quote = String(thread.quote || '')
  if (where === 'detached') {
    return h('div', { className: 'comment-detached' },
      h('p', { className: 'comment-detached-label', text: t('comments.detached') }),
      quote ? h('blockquote', { className: 'comment-quote is-detached', text: quote }) : null)
  }
  if (where === 'unknown' || !quote) {
    return quote ? h('blockquote', { className: 'comment-quote', text: quote }) : null
  }
  return button(quote, (event) => {
    event.stopPropagation()
    actions.showPassage(thread.id, { select: true })
  }, {
    className: 'comment-quote comment-quote--link',
    'aria-label': t('comments.quote.goto', { quote: shorten(quote, QUOTE_LABEL_MAX) }),
    dataset: { focusKey: `quote-${thread.id}` },
  })
}

const replyForm = (thread, ctx) => {
  const key = `reply-${thread.id}`
  return createTextForm({
    label: t('comments.form.replyLabel'),
    submitLabel: t('comments.form.reply'),
    value: ctx.ui.drafts.get(key) || '',
    focusKey: key,
    className: 'comment-form--reply',
    members: ctx.members,
    onInput: (text) => ctx.ui.drafts.set(key, text),
    onCancel: () => ctx.actions.closeReply(thread.id),
    onSubmit: (text, mentions) => ctx.actions.reply(thread.id, text, mentions),
  }).element
}

/**
 * @param {object} thread  root comment with `replies`
 * @param {'ok'|'detached'|'unknown'} where  state of its passage
 * @param {object} ctx  { ui, actions, pattern, members, canComment }
 * @returns {HTMLLIElement}
 */
export const renderThread = (thread, where, ctx) => {
  const { ui, actions } = ctx
  const id = thread.id
  const error = h('p', { className: 'comment-error', role: 'alert', hidden: true })
  const cardCtx = {
    ...ctx,
    reportError: (err) => {
      error.textContent = err?.message || t('comments.error.network')
      error.hidden = false
    },
  }
  const run = (fn) => () => fn().catch(cardCtx.reportError)

  const badges = [
    badge(thread.status === 'resolved' ? 'resolved' : 'open',
      t(thread.status === 'resolved' ? 'comments.status.resolved' : 'comments.status.open')),
    thread.private ? badge('private', t('comments.badge.private')) : null,
    thread.category ? badge('category', thread.category) : null,
    ...moderationBadges(thread),
  ].filter(Boolean)

  const replies = (thread.replies || []).slice().sort((a, b) => a.created_at - b.created_at || a.id - b.id)
  const threadButtons = []
  // A reply shares its thread's visibility: anyone may add to their own
  // private note; public replies need the right to comment.
  if ((thread.private || ctx.canComment) && !ui.replyOpen.has(id)) {
    threadButtons.push(button(t('comments.action.reply'), () => actions.openReply(id),
      { className: 'comment-action', dataset: { focusKey: `reply-btn-${id}` } }))
  }
  if (thread.can_resolve) {
    const resolved = thread.status === 'resolved'
    threadButtons.push(button(t(resolved ? 'comments.action.reopen' : 'comments.action.resolve'),
      run(() => (resolved ? actions.reopen(id) : actions.resolve(id))),
      { className: 'comment-action', dataset: { focusKey: `status-${id}` } }))
  }

  const classes = ['comment-thread']
  if (thread.private) classes.push('is-private')
  if (thread.status === 'resolved') classes.push('is-resolved')
  if (where === 'detached') classes.push('is-detached')
  if (thread.moderation !== 'visible') classes.push(`is-${thread.moderation}`)
  if (ui.activeId === id) classes.push('is-active')

  const article = h('article', {
    className: 'comment-card',
    tabindex: '-1',
    'aria-label': t(thread.private ? 'comments.thread.privateLabel' : 'comments.thread.label',
      { author: thread.author?.name || t('comments.author.unknown') }),
    dataset: { focusKey: `thread-${id}` },
  },
  h('div', { className: 'comment-badges' }, badges),
  quoteBlock(thread, where, actions),
  renderEntry(thread, cardCtx, true),
  replies.length
    ? h('ol', { className: 'comment-replies', 'aria-label': t('comments.thread.replies') },
      replies.map((reply) => h('li', {}, renderEntry(reply, cardCtx, false))))
    : null,
  threadButtons.length ? h('div', { className: 'comment-actions comment-actions--thread' }, threadButtons) : null,
  ui.replyOpen.has(id) ? replyForm(thread, cardCtx) : null,
  error)

  const item = h('li', { className: classes.join(' '), dataset: { threadId: String(id) } }, article)
  // Clicking the card (not a control) shows its passage; focusing into it
  // marks its highlight as active.
  item.addEventListener('click', (event) => {
    if (event.target.closest('button, a, textarea, input, select, label, form')) return
    actions.showPassage(id)
  })
  item.addEventListener('focusin', () => actions.activate(id))
  return item
}
