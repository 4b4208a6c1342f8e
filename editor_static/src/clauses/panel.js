// The clause library panel beside the editor: search as you type, filters,
// preview with the legal basis, the parameter form with a live preview, and
// insertion of a `clause` block at the cursor. It also shows the
// "update available" view of an inserted clause.

import { t } from '../i18n.js'
import { clauseDetail, renderClause, searchClauses } from './api.js'
import { buildParamsForm } from './params-form.js'
import { diffNode } from './word-diff.js'

const FAMILIES = [
  ['environnemental', 'Environnemental'], ['social', 'Social'],
  ['economique', 'Économique / PME'], ['critere', "Critère d'attribution"],
  ['administratif', 'Administratif'],
]
const PIECES = ['RC', 'CCAP', 'CCTP', 'AE', 'BPU', 'DPGF', 'DQE']

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children.filter((c) => c !== null && c !== undefined))
  return node
}

/** The arguments that are nodes or strings (replaceChildren does not skip null). */
const present = (...items) => items.filter((item) => item !== null && item !== undefined && item !== false)

const kindLabel = (kind) => {
  const key = `clauses.kind.${kind}`
  const label = t(key)
  return label === key ? kind : label
}

const debounce = (fn, ms) => {
  let timer = 0
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms) }
}

/** ProseMirror JSON of a clause block holding `paragraphs`. */
export const clauseNode = (id, version, params, paragraphs) => ({
  type: 'clause',
  attrs: { clauseId: id, clauseVersion: version, params: JSON.stringify(params) },
  content: paragraphs.map((text) => (text
    ? { type: 'paragraph', content: [{ type: 'text', text }] }
    : { type: 'paragraph' })),
})

export const createClausePanel = ({ editor, panel, toggle, config, announce }) => {
  const estimatedValue = config.estimatedValue
  const heading = el('h2', { id: 'clause-panel-title', textContent: t('clauses.panel') })
  const close = el('button', { type: 'button', className: 'clause-close', textContent: t('clauses.close') })
  const search = el('input', {
    type: 'search', id: 'clause-search', placeholder: t('clauses.search.placeholder'), autocomplete: 'off',
  })
  const family = el('select', { id: 'clause-family' }, el('option', { value: '', textContent: t('clauses.all') }))
  for (const [value, label] of FAMILIES) family.append(el('option', { value, textContent: label }))
  const piece = el('select', { id: 'clause-piece' }, el('option', { value: '', textContent: t('clauses.all') }))
  for (const value of PIECES) piece.append(el('option', { value, textContent: value }))
  if (PIECES.includes(config.documentKind)) piece.value = config.documentKind
  const count = el('p', { className: 'clause-count', role: 'status' })
  const results = el('ul', { className: 'clause-results', id: 'clause-results' })
  const detail = el('div', { className: 'clause-detail', hidden: true })
  const searchView = el('div', { className: 'clause-search-view' },
    el('label', { htmlFor: 'clause-search', textContent: t('clauses.search') }), search,
    el('div', { className: 'clause-filters' },
      el('label', { htmlFor: 'clause-family', textContent: t('clauses.family') }), family,
      el('label', { htmlFor: 'clause-piece', textContent: t('clauses.piece') }), piece),
    count, results)
  // A passage worth keeping can become a proposal to the library (reviewed by curators).
  const proposeSelection = el('a', {
    className: 'clause-propose', href: '/library/propose', target: '_blank', rel: 'noopener',
    textContent: t('clauses.proposeSelection'),
  })
  proposeSelection.addEventListener('click', () => {
    const { from, to } = editor.state.selection
    const text = editor.state.doc.textBetween(from, to, '\n\n').slice(0, 5000)
    proposeSelection.href = '/library/propose' + (text ? `?text=${encodeURIComponent(text)}` : '')
  })
  panel.replaceChildren(el('div', { className: 'clause-panel-head' }, heading, close),
    searchView, detail, el('p', { className: 'clause-panel-foot' }, proposeSelection))
  panel.setAttribute('aria-labelledby', 'clause-panel-title')

  let generation = 0
  const runSearch = async () => {
    const mine = ++generation
    count.textContent = t('clauses.loading')
    try {
      const found = await searchClauses(search.value, { family: family.value, piece: piece.value })
      if (mine !== generation) return
      results.replaceChildren(...found.map((clause) => el('li', {},
        el('button', { type: 'button', className: 'clause-result', onclick: () => showClause(clause.id) },
          el('strong', { textContent: clause.title }),
          el('span', { className: 'muted', textContent: ` ${clause.pieces.join(', ')}` })))))
      count.textContent = found.length ? t('clauses.results.count', { n: found.length }) : t('clauses.results.none')
    } catch (error) {
      if (mine === generation) count.textContent = error.message
    }
  }
  const searchSoon = debounce(runSearch, 150)
  search.addEventListener('input', searchSoon)
  family.addEventListener('change', runSearch)
  piece.addEventListener('change', runSearch)

  const showList = () => {
    detail.hidden = true
    searchView.hidden = false
    search.focus()
  }

  const legalBasis = (clause) => el('section', {},
    el('h4', { textContent: t('clauses.legal') }),
    el('ul', {}, ...clause.legal_basis.map((ref) => el('li', {},
      el('strong', { textContent: ref.label }), ` – ${ref.summary || ''}`,
      ref.replaces?.length ? el('span', { className: 'muted', textContent: ` (${t('clauses.replaces', { old: ref.replaces.join(', ') })})` }) : null))))

  const notes = (clause) => (clause.usage_notes || clause.vigilance?.length
    ? el('details', {}, el('summary', { textContent: t('clauses.notes') }),
      clause.usage_notes ? el('p', { textContent: clause.usage_notes }) : null,
      clause.vigilance?.length ? el('h4', { textContent: t('clauses.vigilance') }) : null,
      clause.vigilance?.length ? el('ul', {}, ...clause.vigilance.map((v) => el('li', { textContent: v }))) : null)
    : null)

  const showClause = async (id) => {
    let clause
    try {
      clause = await clauseDetail(id)
    } catch (error) {
      count.textContent = error.message
      return
    }
    const preview = el('div', { className: 'clause-preview', 'aria-live': 'polite' })
    const problem = el('p', { className: 'field-error', role: 'alert', hidden: true })
    const insert = el('button', { type: 'button', className: 'button-primary', textContent: t('clauses.insert') })
    let latest = null
    let renders = 0
    const refresh = async (values) => {
      const mine = ++renders
      try {
        const rendered = await renderClause(clause.id, clause.version, values, estimatedValue)
        if (mine !== renders) return
        latest = { values, rendered }
        form.showErrors(rendered.errors)
        form.showComputed(rendered.computed)
        preview.replaceChildren(...rendered.paragraphs.map((p) => el('p', { textContent: p })))
        insert.disabled = Object.keys(rendered.errors).length > 0
        problem.hidden = !insert.disabled
        problem.textContent = insert.disabled ? t('clauses.fix') : ''
      } catch (error) {
        problem.hidden = false
        problem.textContent = error.message
      }
    }
    const form = buildParamsForm(clause, debounce(refresh, 200))
    insert.addEventListener('click', async () => {
      if (!editor.isEditable) return
      const values = form.values()
      if (!latest || JSON.stringify(latest.values) !== JSON.stringify(values)) await refresh(values)
      if (!latest || Object.keys(latest.rendered.errors).length) return
      const { rendered } = latest
      editor.chain().focus().insertContent(
        clauseNode(clause.id, clause.version, rendered.values, rendered.paragraphs)).run()
      announce(t('clauses.inserted', { title: clause.title }))
    })
    detail.replaceChildren(...present(
      el('button', { type: 'button', className: 'link-button', textContent: t('clauses.back'), onclick: showList }),
      el('h3', { textContent: clause.title, tabIndex: -1 }),
      el('p', { className: 'muted', textContent: `${kindLabel(clause.kind)} · v${clause.version}` }),
      legalBasis(clause), notes(clause),
      clause.parameters.length ? el('h4', { textContent: t('clauses.params') }) : null,
      form.node,
      el('h4', { textContent: t('clauses.preview') }), preview,
      editor.isEditable ? insert : el('p', { className: 'muted', textContent: t('clauses.readonly') }),
      problem))
    searchView.hidden = true
    detail.hidden = false
    detail.querySelector('h3').focus()
    refresh(form.values())
  }

  /** The update view of an inserted clause (from its "update available" button). */
  const showUpdate = async ({ node: seen, getPos }) => {
    open()
    const node = editor.state.doc.nodeAt(getPos()) || seen
    const { clauseId, clauseVersion } = node.attrs
    let params = {}
    try { params = JSON.parse(node.attrs.params || '{}') } catch { params = {} }
    const clause = await clauseDetail(clauseId)
    const target = clause.versions.find((v) => v.version === clause.current_version)
    if (!target) return
    // Values of parameters the new version no longer has are dropped.
    const kept = Object.fromEntries(Object.entries(params)
      .filter(([name]) => target.parameters.some((p) => p.name === name)))
    const [before, after] = await Promise.all([
      renderClause(clauseId, clauseVersion, params, estimatedValue).catch(() => null),
      renderClause(clauseId, target.version, kept, estimatedValue),
    ])
    const oldText = before ? before.paragraphs.join('\n') : node.textContent
    const apply = el('button', { type: 'button', className: 'button-primary', textContent: t('clauses.update.apply') })
    apply.addEventListener('click', () => {
      const pos = getPos()
      const current = editor.state.doc.nodeAt(pos)
      if (typeof pos !== 'number' || !current || current.type.name !== 'clause') return
      const values = Object.keys(after.errors).length ? kept : after.values
      editor.chain().focus().insertContentAt({ from: pos, to: pos + current.nodeSize },
        clauseNode(clauseId, target.version, values, after.paragraphs)).run()
      announce(t('clauses.update.done', { version: target.version }))
      showList()
    })
    const edited = before && node.textContent.replace(/\s+/g, '') !== before.paragraphs.join('').replace(/\s+/g, '')
    detail.replaceChildren(...present(
      el('button', { type: 'button', className: 'link-button', textContent: t('clauses.back'), onclick: showList }),
      el('h3', { tabIndex: -1, textContent: t('clauses.update.title', { from: clauseVersion, to: target.version }) }),
      el('p', { textContent: target.title }),
      target.change_note ? el('p', { className: 'muted', textContent: target.change_note }) : null,
      diffNode(oldText, after.paragraphs.join('\n')),
      edited ? el('p', { className: 'alert', textContent: t('clauses.update.lost') }) : null,
      editor.isEditable ? apply : el('p', { className: 'muted', textContent: t('clauses.readonly') })))
    searchView.hidden = true
    detail.hidden = false
    detail.querySelector('h3').focus()
  }

  const open = () => {
    panel.hidden = false
    toggle.setAttribute('aria-expanded', 'true')
    config.root.dataset.clausePanel = 'open'
    if (!results.childElementCount) runSearch()
  }
  const hide = () => {
    panel.hidden = true
    toggle.setAttribute('aria-expanded', 'false')
    delete config.root.dataset.clausePanel
    editor.commands.focus()
  }
  const toggleOpen = () => {
    if (panel.hidden) { open(); showList() } else hide()
  }
  toggle.addEventListener('click', toggleOpen)
  close.addEventListener('click', hide)
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { event.preventDefault(); hide() }
  })
  const shortcut = (event) => {
    if (event.ctrlKey && event.altKey && (event.key === 'k' || event.key === 'K')) {
      event.preventDefault()
      toggleOpen()
    }
  }
  document.addEventListener('keydown', shortcut)
  return { open, hide, showUpdate, destroy: () => document.removeEventListener('keydown', shortcut) }
}
