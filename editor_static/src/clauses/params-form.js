// The parameter form of a clause: one typed field per parameter, with the
// library's defaults, units, choices and computed suggestions.

import { t } from '../i18n.js'

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children.filter((c) => c !== null && c !== undefined))
  return node
}

const NUMERIC = new Set(['number', 'percentage', 'amount', 'duration'])
const UNITS = { percentage: '%', amount: '€ HT' }

const fieldFor = (param, id) => {
  if (param.type === 'choice' && param.multiple) {
    const box = el('fieldset', { className: 'clause-param-choices' }, el('legend', { textContent: param.label }))
    const chosen = new Set(Array.isArray(param.default) ? param.default : [])
    for (const [index, choice] of param.choices.entries()) {
      const input = el('input', { type: 'checkbox', value: choice, id: `${id}-${index}`, checked: chosen.has(choice) })
      input.dataset.param = param.name
      box.append(el('label', { htmlFor: input.id, className: 'inline' }, input, ' ', choice))
    }
    return { node: box, read: () => [...box.querySelectorAll('input:checked')].map((i) => i.value) }
  }
  const label = el('label', { htmlFor: id, textContent: param.label + (param.required ? ' *' : '') })
  let input
  if (param.type === 'choice') {
    input = el('select', { id }, el('option', { value: '', textContent: t('clauses.choice.none') }))
    for (const choice of param.choices) input.append(el('option', { value: choice, textContent: choice }))
    input.value = param.default ?? ''
  } else if (param.type === 'text' && String(param.default ?? '').length > 60) {
    input = el('textarea', { id, rows: 3, value: param.default ?? '' })
  } else {
    input = el('input', { id, type: 'text', value: param.default ?? '' })
    if (NUMERIC.has(param.type)) input.inputMode = 'decimal'
  }
  input.dataset.param = param.name
  const unit = param.unit || UNITS[param.type]
  const help = el('p', { className: 'clause-param-help', id: `${id}-help` })
  if (param.help) help.textContent = param.help
  const error = el('p', { className: 'field-error', id: `${id}-error`, hidden: true })
  input.setAttribute('aria-describedby', `${id}-help ${id}-error`)
  const row = el('div', { className: 'clause-param' }, label,
    el('div', { className: 'clause-param-input' }, input, unit ? el('span', { className: 'unit', textContent: unit }) : null),
    help, error)
  return { node: row, input, help, error, read: () => input.value.trim() }
}

/**
 * Build the form for `clause`; `onChange(values)` fires on every edit.
 * Returns { node, values(), showErrors(errors), showComputed(computed) }.
 */
export const buildParamsForm = (clause, onChange) => {
  const form = el('div', { className: 'clause-params' })
  const fields = new Map()
  for (const [index, param] of clause.parameters.entries()) {
    const field = fieldFor(param, `clause-param-${index}`)
    field.param = param
    fields.set(param.name, field)
    form.append(field.node)
  }
  const values = () => {
    const out = {}
    for (const [name, field] of fields) {
      const value = field.read()
      const empty = Array.isArray(value) ? false : value === ''
      if (!empty) out[name] = value
    }
    return out
  }
  form.addEventListener('input', () => onChange(values()))
  form.addEventListener('change', () => onChange(values()))
  return {
    node: form,
    values,
    showErrors (errors) {
      for (const [name, field] of fields) {
        if (!field.error) continue
        const message = errors[name]
        field.error.hidden = !message
        field.error.textContent = message || ''
        field.input.setAttribute('aria-invalid', message ? 'true' : 'false')
      }
    },
    showComputed (computed) {
      for (const [name, field] of fields) {
        if (!field.param.computed || !field.help) continue
        const value = computed[name]
        field.help.textContent = value === null || value === undefined
          ? t('clauses.computed.missing')
          : t('clauses.computed', { value: Number(value).toLocaleString('fr-FR') })
        if (field.input) field.input.placeholder = value == null ? '' : String(value)
      }
    },
  }
}
