// Small DOM helpers for the comments panel. User-provided text only ever
// reaches the page through textContent or attribute values, never as HTML.

let idCounter = 0

/** A page-unique id with a readable prefix. */
export const uniqueId = (prefix) => `${prefix}-${++idCounter}`

/**
 * Create an element: `h('button', { className: 'x', type: 'button' }, 'Text')`.
 * Keys of `props`: `className`, `text`, `dataset` (object), `on` (event
 * handlers), booleans such as `hidden`/`disabled`, anything else is set as
 * an attribute (null/undefined/false are skipped).
 */
export const h = (tag, props = {}, ...children) => {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue
    if (key === 'className') el.className = value
    else if (key === 'text') el.textContent = value
    else if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key === 'on') {
      for (const [type, handler] of Object.entries(value)) el.addEventListener(type, handler)
    } else if (key === 'hidden' || key === 'disabled' || key === 'checked' || key === 'selected') {
      el[key] = Boolean(value)
    } else if (key === 'value') el.value = value
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return el
}

/** A button that never submits a form. */
export const button = (label, onClick, props = {}) =>
  h('button', { type: 'button', ...props, on: { click: onClick, ...(props.on || {}) } }, label)
