// The `clause` block node: a reusable clause from the clause library, kept as
// a container of ordinary blocks and tagged with its library id, version and
// parameters. In the editor it shows a small non-editable label.

import { Node, mergeAttributes } from '@tiptap/core'
import { t } from './i18n.js'

const toIntOrNull = (value) => {
  if (value === null || value === undefined || value === '') return null
  const n = Number.parseInt(String(value), 10)
  return Number.isFinite(n) ? n : null
}

/** Label text for a clause, e.g. "Clause CCAP-12 v3". */
export const clauseLabel = (attrs) => {
  const id = attrs.clauseId
  const version = toIntOrNull(attrs.clauseVersion)
  if (id === null || id === undefined || id === '') return t('clause.labelUnknown')
  if (version === null) return t('clause.labelNoVersion', { id })
  return t('clause.label', { id, version })
}

const setDataAttr = (el, name, value) => {
  if (value === null || value === undefined || value === '') el.removeAttribute(name)
  else el.setAttribute(name, String(value))
}

let statusHook = null

/**
 * Let another module enrich the label (library title, "edited", "update
 * available"): `hook({ dom, label, node, getPos, editor })` runs whenever the
 * block is created or changes.
 */
export const setClauseStatusHook = (hook) => { statusHook = hook }

/** Plain DOM node view: <section> with a label and an editable body. */
const createClauseView = (node, getPos, editor) => {
  const dom = document.createElement('section')
  dom.className = 'clause-block'
  const label = document.createElement('div')
  label.className = 'clause-label'
  label.contentEditable = 'false'
  const body = document.createElement('div')
  body.className = 'clause-body'
  dom.append(label, body)

  const render = (current) => {
    setDataAttr(dom, 'data-clause-id', current.attrs.clauseId)
    setDataAttr(dom, 'data-clause-version', toIntOrNull(current.attrs.clauseVersion))
    label.textContent = clauseLabel(current.attrs)
    statusHook?.({ dom, label, node: current, getPos, editor })
  }
  render(node)

  return {
    dom,
    contentDOM: body,
    update: (updated) => {
      if (updated.type !== node.type) return false
      render(updated)
      return true
    },
    // The label's buttons handle their own clicks.
    stopEvent: (event) => label.contains(event.target),
    // Only the body is editable; changes elsewhere are ours.
    ignoreMutation: (mutation) =>
      mutation.type !== 'selection' && !body.contains(mutation.target),
  }
}

export const Clause = Node.create({
  name: 'clause',
  group: 'block',
  content: 'block+',
  defining: true,
  isolating: true,
  draggable: false,

  addAttributes() {
    return {
      clauseId: {
        default: null,
        parseHTML: (el) => el.getAttribute('data-clause-id'),
        renderHTML: (attrs) => (attrs.clauseId == null ? {} : { 'data-clause-id': attrs.clauseId }),
      },
      clauseVersion: {
        default: null,
        parseHTML: (el) => toIntOrNull(el.getAttribute('data-clause-version')),
        renderHTML: (attrs) => {
          const v = toIntOrNull(attrs.clauseVersion)
          return v === null ? {} : { 'data-clause-version': String(v) }
        },
      },
      params: {
        default: '{}',
        parseHTML: (el) => el.getAttribute('data-clause-params') || '{}',
        renderHTML: (attrs) => ({ 'data-clause-params': attrs.params ?? '{}' }),
      },
    }
  },

  parseHTML() {
    return [{ tag: 'section.clause-block' }, { tag: 'section[data-clause-id]' }]
  },

  renderHTML({ HTMLAttributes }) {
    return ['section', mergeAttributes({ class: 'clause-block' }, HTMLAttributes), 0]
  },

  addNodeView() {
    return ({ node, getPos, editor }) => createClauseView(node, getPos, editor)
  },
})
