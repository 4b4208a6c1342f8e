// Highlights of commented passages: a ProseMirror plugin whose state holds
// the resolved range of every thread and a DecorationSet drawn from them.
// Remote changes (the ySync full-document replace) re-resolve the Yjs
// anchors at once; local edits map the ranges through the transaction and
// the controller re-resolves them shortly after.

import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'

export const commentsPluginKey = new PluginKey('wikimarcheComments')

/**
 * @typedef {object} Range
 * @property {number} id
 * @property {'ok'|'detached'|'unknown'} status
 * @property {number} from
 * @property {number} to
 * @property {boolean} private
 * @property {boolean} resolved
 * @property {boolean} shown   passes the panel filters (only those are drawn)
 */

export const isRemoteChange = (tr) => Boolean(tr.getMeta(ySyncPluginKey)?.isChangeOrigin)

// Relative positions associate left (assoc -1) at both ends: text typed at
// the start of a passage joins it, text typed at its end does not.
const mapRanges = (ranges, mapping) => ranges.map((r) => {
  if (r.status !== 'ok') return r
  const from = mapping.map(r.from, -1)
  const to = mapping.map(r.to, -1)
  return from < to ? { ...r, from, to } : { ...r, status: 'detached' }
})

const mapDraft = (draft, mapping) => {
  if (!draft) return null
  const from = mapping.map(draft.from, -1)
  const to = mapping.map(draft.to, -1)
  return from < to ? { from, to } : null
}

const buildSet = (doc, { ranges, activeId, draft }) => {
  const size = doc.content.size
  const decorations = []
  for (const r of ranges) {
    if (r.status !== 'ok' || !r.shown || r.from < 0 || r.to > size || r.from >= r.to) continue
    let className = r.private ? 'annotation-highlight' : 'comment-highlight'
    if (r.resolved) className += ' is-resolved'
    if (r.id === activeId) className += ' is-active'
    decorations.push(Decoration.inline(r.from, r.to,
      { class: className, 'data-comment-id': String(r.id) }, { commentId: r.id }))
  }
  if (draft && draft.to <= size) {
    decorations.push(Decoration.inline(draft.from, draft.to, { class: 'comment-highlight is-draft' }))
  }
  return DecorationSet.create(doc, decorations)
}

/** The innermost highlighted thread at a document position, or null. */
export const threadAt = (state, pos) => {
  const value = commentsPluginKey.getState(state)
  if (!value) return null
  let best = null
  for (const r of value.ranges) {
    if (r.status !== 'ok' || !r.shown || pos < r.from || pos > r.to) continue
    if (!best || r.to - r.from < best.to - best.from) best = r
  }
  return best ? best.id : null
}

/**
 * Options: `resolve()` returns `{ ranges, draft }` freshly resolved from the
 * Yjs anchors (or null when it cannot);
 * `onClickThread(id)` is called when a highlight is clicked.
 */
export const CommentHighlights = Extension.create({
  name: 'commentHighlights',

  addOptions () {
    return { resolve: () => null, onClickThread: () => {} }
  },

  addProseMirrorPlugins () {
    const options = this.options
    return [new Plugin({
      key: commentsPluginKey,
      state: {
        init: (_config, state) => {
          const value = { ranges: [], activeId: null, draft: null }
          return { ...value, set: buildSet(state.doc, value) }
        },
        apply: (tr, old, _oldState, newState) => {
          const meta = tr.getMeta(commentsPluginKey)
          if (!meta && !tr.docChanged) return old
          const next = { ranges: old.ranges, activeId: old.activeId, draft: old.draft }
          if (tr.docChanged) {
            const fresh = isRemoteChange(tr) ? options.resolve(newState) : null
            next.ranges = fresh ? fresh.ranges : mapRanges(old.ranges, tr.mapping)
            next.draft = fresh ? fresh.draft : mapDraft(old.draft, tr.mapping)
          }
          if (meta) {
            if ('ranges' in meta) next.ranges = meta.ranges
            if ('activeId' in meta) next.activeId = meta.activeId
            if ('draft' in meta) next.draft = meta.draft
          }
          return { ...next, set: buildSet(newState.doc, next) }
        },
      },
      props: {
        decorations: (state) => commentsPluginKey.getState(state).set,
        handleClick: (view, pos) => {
          const id = threadAt(view.state, pos)
          if (id !== null) options.onClickThread(id)
          // Let ProseMirror place the caret as usual.
          return false
        },
      },
    })]
  },
})
