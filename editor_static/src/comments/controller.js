// The comments controller: holds the threads fetched from the server and the
// panel state, resolves anchors into highlight ranges, renders the panel and
// keeps both in step with the document, the filters and live updates.

import { createApi } from './api.js'
import { anchorSelection, bindingOf, decodeAnchor, resolveAnchor } from './anchors.js'
import { commentsPluginKey, isRemoteChange, threadAt } from './highlights.js'
import { createFilters, matchesFilters, DEFAULT_FILTERS } from './filters.js'
import { createComposer } from './compose.js'
import { createPanel } from './panel.js'
import { createActions } from './actions.js'
import { installCommentsLive } from './live.js'
import { mentionPattern } from './rich-text.js'
import { announceNew, collectIds } from './announce.js'
import { createReattacher } from './reattach.js'
import { createLayout } from './layout.js'
import { t } from '../i18n.js'

const RESOLVE_DELAY_MS = 250
const REATTACH_DELAY_MS = 500

export const createController = ({ config, editor, ydoc, provider, surface }) => {
  const api = createApi(config)
  const newLabel = t(config.canComment ? 'comments.new' : 'comments.newPrivate')
  const ctx = {
    ui: { activeId: null, replyOpen: new Set(), editing: new Set(), drafts: new Map() },
    members: config.members.filter((m) => m.id !== config.userId),
    pattern: mentionPattern(config.members),
    canComment: config.canComment,
    actions: null,
  }
  let threads = []
  let loaded = false
  let known = new Set()
  let filters = { ...DEFAULT_FILTERS }
  let draft = null
  let posted = false
  const anchors = new Map()
  const signatures = new WeakMap()

  // ---------- anchors → ranges ----------

  const decodedFor = (thread) => {
    const key = thread.anchor ? `${thread.anchor.start}|${thread.anchor.end}` : ''
    let entry = anchors.get(thread.id)
    if (!entry || entry.key !== key) {
      entry = { key, decoded: decodeAnchor(thread.anchor) }
      anchors.set(thread.id, entry)
    }
    return entry.decoded
  }

  /** Fresh ranges for every thread (and the draft) in `state`'s document. */
  const resolveAll = (state) => {
    const binding = bindingOf(state) || bindingOf(editor.state)
    const size = state.doc.content.size
    const ranges = threads.map((thread) => {
      const where = resolveAnchor(ydoc, binding, decodedFor(thread), size)
      const base = {
        id: thread.id,
        private: Boolean(thread.private),
        resolved: thread.status === 'resolved',
        shown: matchesFilters(thread, filters),
      }
      return typeof where === 'string'
        ? { ...base, status: where, from: -1, to: -1 }
        : { ...base, status: 'ok', from: where.from, to: where.to }
    })
    const spot = draft && resolveAnchor(ydoc, binding, draft.decoded, size)
    return { ranges, draft: spot && typeof spot === 'object' ? spot : null }
  }

  const dispatchMeta = (meta) => {
    if (editor.isDestroyed) return
    editor.view.dispatch(editor.state.tr.setMeta(commentsPluginKey, meta).setMeta('addToHistory', false))
  }
  const pushRanges = () => dispatchMeta(resolveAll(editor.state))
  const rangesNow = () => commentsPluginKey.getState(editor.state)?.ranges || []

  // Detached comments whose words came back (an undo) are put back on them.
  const reattach = createReattacher({ ydoc, api, decodedFor, onDone: () => refresh() })
  const checkReturned = () => {
    if (editor.isDestroyed || !loaded) return
    const status = new Map(rangesNow().map((r) => [r.id, r.status]))
    reattach(threads, (id) => status.get(id))
  }

  // ---------- panel ----------

  const filterUi = createFilters((next) => {
    filters = next
    pushRanges()
    renderPanel()
  })

  const signatureOf = (thread, where) => {
    let json = signatures.get(thread)
    if (!json) signatures.set(thread, (json = JSON.stringify(thread)))
    const editing = [thread, ...(thread.replies || [])].filter((c) => ctx.ui.editing.has(c.id)).map((c) => c.id)
    return `${json}|${where}|${ctx.ui.replyOpen.has(thread.id)}|${editing}`
  }

  const renderPanel = () => {
    const byId = new Map(rangesNow().map((r) => [r.id, r]))
    const items = threads.filter((thread) => matchesFilters(thread, filters)).map((thread) => {
      const range = byId.get(thread.id)
      const where = range ? range.status : 'unknown'
      return { thread, where, range, signature: signatureOf(thread, where) }
    })
    const at = (item) => (item.where === 'ok' ? item.range.from : Infinity)
    items.sort((a, b) => at(a) - at(b) || a.thread.created_at - b.thread.created_at || a.thread.id - b.thread.id)
    panel.render(items, threads.length, ctx, loaded)
    layout?.schedule()
  }

  let panelFrame = 0
  const schedulePanel = () => {
    if (panelFrame) return
    panelFrame = requestAnimationFrame(() => {
      panelFrame = 0
      renderPanel()
    })
  }

  const setActive = (id) => {
    if (ctx.ui.activeId === id) return
    ctx.ui.activeId = id
    panel.setActive(id)
    dispatchMeta({ activeId: id })
    layout?.schedule()
  }

  // ---------- loading ----------

  let inflight = null
  let again = false
  const load = async () => {
    const data = await api.list()
    const next = Array.isArray(data) ? data.filter((c) => c && c.id !== undefined && c.parent_id == null) : []
    if (loaded) announceNew(next, known, config.userId, panel.announce)
    known = collectIds(next)
    threads = next
    loaded = true
    const ids = new Set(next.flatMap((c) => [c.id, ...(c.replies || []).map((r) => r.id)]))
    for (const id of [...ctx.ui.editing]) if (!ids.has(id)) ctx.ui.editing.delete(id)
    for (const id of [...ctx.ui.replyOpen]) if (!ids.has(id)) ctx.ui.replyOpen.delete(id)
    for (const id of [...anchors.keys()]) if (!ids.has(id)) anchors.delete(id)
    filterUi.update(threads, config.categories)
    filters = filterUi.current()
    panel.showError('')
    pushRanges()
    renderPanel()
    checkReturned()
  }
  const refresh = () => {
    if (inflight) {
      again = true
      return inflight
    }
    inflight = (async () => {
      try {
        do {
          again = false
          await load()
        } while (again)
      } catch (err) {
        panel.showError(t('comments.error.load', { message: err.message }), () => refresh())
        if (!loaded) renderPanel()
      } finally {
        inflight = null
      }
    })()
    return inflight
  }

  // ---------- creating ----------

  const composer = createComposer({
    config,
    members: ctx.members,
    onSubmit: async (fields) => {
      const payload = { body: fields.body, anchor: draft.anchor, quote: draft.quote, private: fields.private }
      if (fields.category) payload.category = fields.category
      if (fields.mentions.length) payload.mentions = fields.mentions
      const created = await api.create(payload)
      panel.announce(t(fields.private ? 'comments.live.createdPrivate' : 'comments.live.created'))
      if (created && created.id !== undefined) known.add(created.id)
      await refresh()
      if (created && !editor.isEditable) panel.requestFocus(`thread-${created.id}`)
      posted = true
    },
    onClose: () => {
      draft = null
      dispatchMeta({ draft: null })
      // After posting, the selection collapses to the passage's end (no more
      // "Commenter" button on it); the focus goes back to the text.
      if (posted) editor.commands.setTextSelection(editor.state.selection.to)
      // Synchronously: Tiptap's focus command waits a frame, and could then
      // take the focus back from a form opened meanwhile.
      // A read-only text keeps its caret too: back to where the reader was,
      // unless the new annotation's card took the focus.
      if (editor.isEditable || !posted) editor.view.focus()
      posted = false
      renderPanel()
    },
  })

  const openComposer = () => {
    // One new comment at a time: back to the open form, its text kept.
    if (composer.isOpen()) return composer.focus()
    const info = anchorSelection(editor, ydoc)
    if (!info) {
      panel.announce(t('comments.new.hint'))
      return false
    }
    draft = { decoded: decodeAnchor(info.anchor), anchor: info.anchor, quote: info.quote }
    dispatchMeta({ draft: { from: info.from, to: info.to } })
    composer.open({ quote: info.quote })
    return true
  }

  const panel = createPanel({
    element: config.panel,
    newLabel,
    onNew: () => openComposer(),
    filters: filterUi.element,
    composer: composer.element,
  })
  const layout = surface && createLayout({
    host: panel.host,
    top: panel.top,
    list: panel.list,
    surface,
    editor,
    positions: () => new Map(rangesNow().filter((r) => r.status === 'ok').map((r) => [r.id, r.from])),
    activeId: () => ctx.ui.activeId,
  })
  ctx.actions = createActions({ api, editor, ctx, panel, refresh, setActive, renderPanel, rangesNow })

  // ---------- editor events ----------

  let resolveTimer = null
  let returnTimer = null
  const onTransaction = ({ transaction }) => {
    if (transaction.docChanged && !isRemoteChange(transaction)) {
      clearTimeout(resolveTimer)
      resolveTimer = setTimeout(pushRanges, RESOLVE_DELAY_MS)
    }
    if (transaction.docChanged) {
      clearTimeout(returnTimer)
      returnTimer = setTimeout(checkReturned, REATTACH_DELAY_MS)
    }
    if (transaction.docChanged || transaction.getMeta(commentsPluginKey)) {
      schedulePanel()
      layout?.schedule()
    }
  }
  const onSelection = () => {
    panel.setNewEnabled(!editor.state.selection.empty)
    if (editor.isFocused) setActive(threadAtHead())
  }
  const threadAtHead = () => threadAt(editor.state, editor.state.selection.head)
  editor.on('transaction', onTransaction)
  editor.on('selectionUpdate', onSelection)
  onSelection()

  const stopLive = installCommentsLive(provider, () => refresh())
  renderPanel()
  refresh()

  return {
    refresh,
    list: () => structuredClone(threads),
    openComposer,
    isComposing: () => composer.isOpen(),
    resolveForPlugin: (state) => (loaded ? resolveAll(state) : null),
    onHighlightClick: (id) => ctx.actions.focusThread(id),
    destroy: () => {
      clearTimeout(resolveTimer)
      clearTimeout(returnTimer)
      cancelAnimationFrame(panelFrame)
      stopLive()
      layout?.destroy()
      panel.destroy()
      editor.off('transaction', onTransaction)
      editor.off('selectionUpdate', onSelection)
    },
  }
}
