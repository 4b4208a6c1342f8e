// What a clause block says about itself in its label: which library clause
// it comes from, whether its text was edited since insertion, and whether
// the library has published a newer version ("mise à jour disponible").

import { setClauseStatusHook } from '../clause-node.js'
import { t } from '../i18n.js'
import { clauseDetail, renderClause } from './api.js'

const compact = (text) => text.replace(/\s+/g, '')

const parseParams = (raw) => {
  try {
    const value = JSON.parse(raw || '{}')
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {}
  } catch {
    return {}
  }
}

export const installClauseStatus = ({ estimatedValue, onUpdate }) => {
  setClauseStatusHook(({ dom, label, node, getPos, editor }) => {
    const { clauseId, clauseVersion } = node.attrs
    if (!clauseId) return
    const token = (dom.statusToken = (dom.statusToken || 0) + 1)
    const params = parseParams(node.attrs.params)
    const version = Number(clauseVersion)
    const text = node.textContent
    Promise.all([
      clauseDetail(clauseId),
      renderClause(clauseId, version, params, estimatedValue).catch(() => null),
    ]).then(([detail, rendered]) => {
      if (dom.statusToken !== token) return
      const pinned = detail.versions.find((v) => v.version === version)
      const parts = [document.createTextNode(
        t('clauses.provenance', { title: pinned?.title || detail.title, version }))]
      const edited = rendered && compact(rendered.paragraphs.join('')) !== compact(text)
      dom.classList.toggle('clause-edited', Boolean(edited))
      if (edited) {
        parts.push(' · ', Object.assign(document.createElement('span'), {
          className: 'clause-edited-flag', textContent: t('clauses.edited'),
        }))
      }
      const newer = detail.current_version && detail.current_version > version
      dom.classList.toggle('clause-outdated', Boolean(newer))
      if (newer) {
        const button = Object.assign(document.createElement('button'), {
          type: 'button', className: 'clause-update', textContent: t('clauses.update'),
          disabled: !editor.isEditable,
        })
        button.addEventListener('click', () => onUpdate({ node, getPos }))
        parts.push(' ', button)
      }
      label.replaceChildren(...parts)
    }).catch(() => { /* the label keeps its plain text */ })
  })
}
