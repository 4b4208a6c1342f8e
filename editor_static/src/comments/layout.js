// Margin-note layout of the thread cards. Where the panel stands beside the
// text (wide screens), each card's top is put at the height of its passage,
// cards pushed down so they never overlap; the active card sits exactly at
// its passage and pulls the cards above it up. Detached comments follow the
// last card. The DOM order (hence the keyboard order) stays the text order;
// where the panel is below the text, it is a plain list.

const GAP = 8

/**
 * Tops for cards in text order. `wanted` tops are -Infinity for cards
 * without a place in the text (detached, not yet resolved).
 * @param {{ top: number, height: number }[]} cards
 * @param {number} active  index of the card that keeps its place, or -1
 * @returns {number[]}
 */
export const placeCards = (cards, active) => {
  const tops = new Array(cards.length)
  const downFrom = (first, floor) => {
    for (let i = first; i < cards.length; i++) {
      tops[i] = Math.max(cards[i].top, floor)
      floor = tops[i] + cards[i].height + GAP
    }
  }
  if (active < 0 || !Number.isFinite(cards[active].top)) {
    downFrom(0, 0)
    return tops
  }
  tops[active] = Math.max(cards[active].top, 0)
  downFrom(active + 1, tops[active] + cards[active].height + GAP)
  let ceiling = tops[active] - GAP
  for (let i = active - 1; i >= 0; i--) {
    // A passage above the list's start still puts its card at the start.
    tops[i] = Math.min(Math.max(cards[i].top, 0), ceiling - cards[i].height)
    ceiling = tops[i] - GAP
  }
  // Not enough room above the active card: everything goes down instead.
  if (active > 0 && tops[0] < 0) downFrom(0, 0)
  return tops
}

/**
 * @param {object} opts
 * @param {HTMLElement} opts.host     the panel (`#comments-panel`)
 * @param {HTMLElement} opts.top      the panel's header block (sticky when aligned)
 * @param {HTMLElement} opts.list     the `<ol>` of cards
 * @param {HTMLElement} opts.surface  `#editor`
 * @param {import('@tiptap/core').Editor} opts.editor
 * @param {() => Map<number, number>} opts.positions  passage start of each placed thread
 * @param {() => number|null} opts.activeId
 */
export const createLayout = ({ host, top, list, surface, editor, positions, activeId }) => {
  let frame = 0

  // Beside: the panel starts right of the text and shares its rows.
  const beside = () => {
    const panel = host.getBoundingClientRect()
    const text = surface.getBoundingClientRect()
    return panel.width > 0 && panel.left >= text.right - 1 && panel.top < text.bottom
  }

  const passageTop = (from, origin) => {
    if (from === undefined || editor.isDestroyed) return -Infinity
    try {
      return editor.view.coordsAtPos(from).top - origin
    } catch {
      return -Infinity
    }
  }

  const plain = (items) => {
    host.classList.remove('is-aligned')
    for (const el of items) el.style.removeProperty('top')
    list.style.removeProperty('height')
  }

  const run = () => {
    frame = 0
    const items = [...list.children]
    if (!beside()) return plain(items)
    host.classList.add('is-aligned')
    const cover = `${top.offsetHeight}px`
    if (host.style.getPropertyValue('--comments-cover') !== cover) host.style.setProperty('--comments-cover', cover)
    const origin = list.getBoundingClientRect().top
    const starts = positions()
    const cards = items.map((el) => ({
      top: passageTop(starts.get(Number(el.dataset.threadId)), origin),
      height: el.offsetHeight,
    }))
    const active = items.findIndex((el) => Number(el.dataset.threadId) === activeId())
    const tops = placeCards(cards, active)
    let bottom = 0
    items.forEach((el, i) => {
      const value = `${Math.round(tops[i])}px`
      if (el.style.top !== value) el.style.top = value
      bottom = Math.max(bottom, tops[i] + cards[i].height)
      // Observing an element again would report it again: once per card.
      if (observer && !watched.has(el)) {
        watched.add(el)
        observer.observe(el)
      }
    })
    for (const el of watched) {
      if (el.parentNode !== list) {
        watched.delete(el)
        observer.unobserve(el)
      }
    }
    const height = `${Math.ceil(bottom)}px`
    if (list.style.height !== height) list.style.height = height
  }

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(run)
  }

  // Card heights (reply forms, edits), the header (composer, filters) and
  // the text (wrapping) all move the cards.
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(schedule)
  const watched = new Set()
  observer?.observe(top)
  observer?.observe(surface)
  window.addEventListener('resize', schedule)
  window.addEventListener('scroll', schedule, { passive: true, capture: true })

  return {
    schedule,
    destroy: () => {
      cancelAnimationFrame(frame)
      observer?.disconnect()
      window.removeEventListener('resize', schedule)
      window.removeEventListener('scroll', schedule, { capture: true })
      plain([...list.children])
    },
  }
}
