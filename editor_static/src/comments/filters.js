// Filters at the top of the panel (author, category, status, text search)
// and the predicate deciding which threads they let through.

import { h, uniqueId } from './dom.js'
import { t } from '../i18n.js'

export const DEFAULT_FILTERS = { author: '', category: '', status: 'open', query: '' }

const fold = (text) => String(text || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/** Does `thread` pass `filters`? Author and search also look at replies. */
export const matchesFilters = (thread, filters) => {
  if (filters.status !== 'all' && thread.status !== filters.status) return false
  if (filters.category && thread.category !== filters.category) return false
  const entries = [thread, ...(thread.replies || [])]
  if (filters.author && !entries.some((c) => String(c.author?.id) === filters.author)) return false
  const query = fold(filters.query).trim()
  if (query) {
    const haystack = fold([thread.quote, ...entries.map((c) => `${c.body} ${c.author?.name || ''}`)].join(' '))
    if (!haystack.includes(query)) return false
  }
  return true
}

const labelled = (label, control) => {
  control.id = uniqueId('comments-filter')
  return h('div', { className: 'comments-filter' },
    h('label', { for: control.id, text: label }), control)
}

const fillSelect = (select, allLabel, options) => {
  const signature = JSON.stringify(options)
  // Unchanged choices: leave the element alone (it may be open or focused).
  if (select.dataset.signature === signature) return
  select.dataset.signature = signature
  const current = select.value
  select.replaceChildren(h('option', { value: '' }, allLabel),
    ...options.map(([value, text]) => h('option', { value }, text)))
  select.value = options.some(([value]) => value === current) ? current : ''
}

/**
 * @param {(filters: object) => void} onChange
 * @returns {{ element: HTMLElement, update: (threads: object[], categories: string[]) => void }}
 */
export const createFilters = (onChange) => {
  const filters = { ...DEFAULT_FILTERS }
  const author = h('select', { className: 'comment-select' })
  const category = h('select', { className: 'comment-select' })
  const status = h('select', { className: 'comment-select' },
    ['open', 'resolved', 'all'].map((value) =>
      h('option', { value, selected: value === filters.status }, t(`comments.filter.${value}`))))
  const search = h('input', { type: 'search', className: 'comment-search', autocomplete: 'off' })

  const changed = () => {
    Object.assign(filters, {
      author: author.value, category: category.value, status: status.value, query: search.value,
    })
    onChange({ ...filters })
  }
  author.addEventListener('change', changed)
  category.addEventListener('change', changed)
  status.addEventListener('change', changed)
  search.addEventListener('input', changed)

  const element = h('div', { className: 'comments-filters', role: 'group', 'aria-label': t('comments.filters') },
    labelled(t('comments.filter.author'), author),
    labelled(t('comments.filter.category'), category),
    labelled(t('comments.filter.status'), status),
    labelled(t('comments.filter.search'), search))

  /** Refresh the author and category choices from the loaded threads. */
  const update = (threads, categories) => {
    const authors = new Map()
    const cats = new Set(categories)
    for (const thread of threads) {
      if (thread.category) cats.add(thread.category)
      for (const c of [thread, ...(thread.replies || [])]) {
        if (c.author) authors.set(String(c.author.id), c.author.name || t('comments.author.unknown'))
      }
    }
    fillSelect(author, t('comments.filter.anyAuthor'),
      [...authors].sort((a, b) => a[1].localeCompare(b[1])))
    fillSelect(category, t('comments.filter.anyCategory'), [...cats].map((c) => [c, c]))
    filters.author = author.value
    filters.category = category.value
  }

  return { element, update, current: () => ({ ...filters }) }
}
