// What the controls of a thread card do: show the passage, open the reply
// and edit forms, and call the API (reply, edit, delete with confirmation,
// resolve / reopen, moderate), reloading the list after each change.

import { confirmDialog } from './confirm.js'
import { t } from '../i18n.js'

const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches

export const createActions = ({ api, editor, ctx, panel, refresh, setActive, renderPanel, rangesNow }) => {
  const { ui } = ctx

  const rangeOf = (id) => rangesNow().find((r) => r.id === id && r.status === 'ok') || null

  const rerender = (focusKey) => {
    if (focusKey) panel.requestFocus(focusKey)
    renderPanel()
  }

  return {
    activate: (id) => setActive(id),

    /** Scroll the text to the thread's passage; with `select`, also select it. */
    showPassage: (id, { select = false } = {}) => {
      setActive(id)
      const range = rangeOf(id)
      if (!range || editor.isDestroyed) return
      const mark = editor.view.dom.querySelector(`[data-comment-id="${CSS.escape(String(id))}"]`)
      if (select && editor.isEditable) {
        editor.commands.setTextSelection({ from: range.from, to: range.to })
        editor.view.focus()
      }
      if (mark) mark.scrollIntoView({ block: 'center', behavior: reducedMotion() ? 'auto' : 'smooth' })
    },

    /** From a click on a highlight: bring the thread's card into view. */
    focusThread: (id) => {
      setActive(id)
      const card = panel.card(id)
      if (!card) return
      panel.reveal(id, reducedMotion() ? 'auto' : 'smooth')
      // An editable text keeps the focus (the click placed the caret there).
      if (!editor.isEditable) card.querySelector('.comment-card')?.focus({ preventScroll: true })
    },

    openReply: (id) => {
      ui.replyOpen.add(id)
      rerender(`reply-${id}`)
    },
    closeReply: (id) => {
      ui.replyOpen.delete(id)
      ui.drafts.delete(`reply-${id}`)
      rerender(`reply-btn-${id}`)
    },
    reply: async (id, body, mentions) => {
      const payload = { body }
      if (mentions.length) payload.mentions = mentions
      await api.reply(id, payload)
      ui.replyOpen.delete(id)
      ui.drafts.delete(`reply-${id}`)
      panel.announce(t('comments.live.replied'))
      panel.requestFocus(`reply-btn-${id}`)
      await refresh()
    },

    startEditing: (id) => {
      ui.editing.add(id)
      rerender(`edit-${id}`)
    },
    stopEditing: (id) => {
      ui.editing.delete(id)
      ui.drafts.delete(`edit-${id}`)
      rerender(`edit-btn-${id}`)
    },
    edit: async (id, body) => {
      await api.edit(id, body)
      ui.editing.delete(id)
      ui.drafts.delete(`edit-${id}`)
      panel.requestFocus(`edit-btn-${id}`)
      await refresh()
    },

    remove: async (comment, isRoot) => {
      const sure = await confirmDialog(panel.host, {
        title: t('comments.confirm.title'),
        message: t(isRoot && comment.replies?.length ? 'comments.confirm.thread' : 'comments.confirm.one'),
        confirmLabel: t('comments.action.delete'),
      })
      if (!sure) return
      await api.remove(comment.id)
      panel.announce(t('comments.live.deleted'))
      await refresh()
    },

    resolve: async (id) => {
      await api.resolve(id)
      await refresh()
    },
    reopen: async (id) => {
      await api.reopen(id)
      await refresh()
    },
    moderate: async (id, state) => {
      await api.moderate(id, state)
      await refresh()
    },
  }
}
