// The `#comments-panel` skeleton (title, new-comment button, count, filters,
// composer, live region, list) and the keyed rendering of thread cards: a
// card is rebuilt only when its data changed, and focus (with the caret of a
// textarea) is put back where it was after a rebuild.

import { h, button } from './dom.js'
import { renderThread } from './card.js'
import { refreshTimes } from './dates.js'
import { t } from '../i18n.js'

const countText = (shown, total) => {
  const key = shown === 0 ? 'comments.count.zero' : shown === 1 ? 'comments.count.one' : 'comments.count.many'
  const text = t(key, { n: shown })
  return shown === total ? text : t('comments.count.of', { count: text, total })
}

/**
 * @param {object} opts
 * @param {HTMLElement} opts.element   the `#comments-panel` aside
 * @param {string} opts.newLabel       "Commenter" or "Annoter"
 * @param {() => void} opts.onNew
 * @param {HTMLElement} opts.filters
 * @param {HTMLElement} opts.composer
 */
export const createPanel = ({ element, newLabel, onNew, filters, composer }) => {
  const title = h('h2', { id: 'comments-title', className: 'comments-title', tabindex: '-1' }, t('comments.title'))
  const newButton = button(newLabel, () => onNew(), {
    className: 'comment-button comment-button--primary comments-new',
    'aria-keyshortcuts': 'Control+Alt+M',
    title: t('comments.new.title', { label: newLabel }),
    dataset: { focusKey: 'new' },
  })
  const count = h('p', { className: 'comments-count' })
  const live = h('div', { className: 'comments-sr-only', 'aria-live': 'polite', role: 'status' })
  const error = h('div', { className: 'comments-load-error', role: 'alert', hidden: true })
  const empty = h('p', { className: 'comments-empty', hidden: true })
  const list = h('ol', { className: 'comments-list', 'aria-labelledby': 'comments-title' })
  // Everything but the cards: sticks to the top when the cards stand beside
  // their passages (layout.js).
  const top = h('div', { className: 'comments-top' },
    h('div', { className: 'comments-header' }, title, newButton, count),
    filters, composer, live, error, empty)
  const inner = h('div', { className: 'comments-inner' }, top, list)
  element.classList.add('comments-panel')
  element.replaceChildren(inner)

  const cards = new Map()
  let focusRequest = null

  const captureFocus = () => {
    const active = document.activeElement
    if (!active || !element.contains(active)) return null
    const keyed = active.closest('[data-focus-key]')
    return {
      key: keyed?.dataset.focusKey || null,
      thread: active.closest('[data-thread-id]')?.dataset.threadId || null,
      start: active.selectionStart ?? null,
      end: active.selectionEnd ?? null,
    }
  }

  const find = (key) => key && element.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)

  const restoreFocus = (saved) => {
    const wanted = focusRequest
    focusRequest = null
    if (wanted) {
      const target = find(wanted)
      if (target) {
        target.focus()
        return
      }
    }
    if (!saved || (document.activeElement && element.contains(document.activeElement))) return
    const target = find(saved.key) || find(saved.thread && `thread-${saved.thread}`) || title
    target.focus({ preventScroll: true })
    if (target.setSelectionRange && saved.start !== null && target.dataset.focusKey === saved.key) {
      target.setSelectionRange(saved.start, saved.end)
    }
  }

  /**
   * @param {{ thread: object, where: string, signature: string }[]} items  in display order
   * @param {number} total  threads before filtering
   * @param {object} ctx    for renderThread
   * @param {boolean} loaded
   */
  const render = (items, total, ctx, loaded) => {
    const saved = captureFocus()
    const wanted = []
    for (const { thread, where, signature } of items) {
      let card = cards.get(thread.id)
      if (!card || card.signature !== signature) {
        const el = renderThread(thread, where, ctx)
        if (card) card.el.replaceWith(el)
        card = { el, signature }
        cards.set(thread.id, card)
      }
      card.el.classList.toggle('is-active', thread.id === ctx.ui.activeId)
      wanted.push(card.el)
    }
    const keep = new Set(wanted)
    for (const [id, card] of cards) {
      if (!keep.has(card.el)) {
        card.el.remove()
        cards.delete(id)
      }
    }
    wanted.forEach((el, i) => {
      if (list.children[i] !== el) list.insertBefore(el, list.children[i] || null)
    })
    count.textContent = loaded ? countText(items.length, total) : t('comments.loading')
    // With no comment at all, the count already says so.
    empty.hidden = !loaded || items.length > 0 || total === 0
    empty.textContent = t('comments.emptyFiltered')
    restoreFocus(saved)
  }

  const timer = setInterval(() => refreshTimes(list), 60 * 1000)

  return {
    host: element,
    top,
    list,
    render,
    newButton,
    requestFocus: (key) => { focusRequest = key },
    setActive: (id) => {
      for (const [cardId, card] of cards) card.el.classList.toggle('is-active', cardId === id)
    },
    card: (id) => cards.get(id)?.el || null,
    /** Scroll a card into view inside the panel (the page itself stays put). */
    reveal: (id, behavior = 'auto') => {
      const el = cards.get(id)?.el
      if (!el) return
      const scrolls = inner.scrollHeight > inner.clientHeight && getComputedStyle(inner).overflowY !== 'visible'
      if (!scrolls) {
        el.scrollIntoView({ block: 'nearest', behavior })
        return
      }
      const top = el.getBoundingClientRect().top - inner.getBoundingClientRect().top + inner.scrollTop
      const bottom = top + el.offsetHeight
      if (top < inner.scrollTop || bottom > inner.scrollTop + inner.clientHeight) {
        inner.scrollTo({ top: Math.max(0, top - 8), behavior })
      }
    },
    announce: (text) => {
      // Re-setting the same text would not be announced again.
      live.textContent = ''
      setTimeout(() => { live.textContent = text }, 50)
    },
    showError: (message, onRetry) => {
      error.replaceChildren(h('span', { text: message || '' }), ' ',
        onRetry ? button(t('comments.retry'), onRetry, { className: 'comment-action' }) : '')
      error.hidden = !message
    },
    setNewEnabled: (enabled) => newButton.setAttribute('aria-disabled', String(!enabled)),
    destroy: () => clearInterval(timer),
  }
}
