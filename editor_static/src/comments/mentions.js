// @mention autocomplete for a comment textarea: typing "@" and letters opens
// a listbox of matching members (arrow keys, Enter or Tab to pick, Esc to
// close), announced through aria-activedescendant. Picking inserts
// "@First Last "; every member so named in the text goes into `mentions`.

import { h, uniqueId } from './dom.js'
import { t } from '../i18n.js'

const MAX_OPTIONS = 8
// "@" at the start or after a space/bracket, then up to two words.
const TOKEN = /(?:^|[\s(])@([^\s@]{0,40}(?: [^\s@]{0,40})?)$/u

const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/**
 * @param {HTMLTextAreaElement} textarea
 * @param {{ id: number, name: string }[]} members
 * @returns {{ list: HTMLElement, ids: () => number[], isOpen: () => boolean }}
 */
export const attachMentions = (textarea, members) => {
  const listId = uniqueId('mention-list')
  const list = h('ul', {
    id: listId, role: 'listbox', className: 'mention-list', hidden: true,
    'aria-label': t('comments.mentions.label'),
  })
  let options = []
  let active = -1
  let token = null

  textarea.setAttribute('aria-autocomplete', 'list')
  textarea.setAttribute('aria-controls', listId)

  const close = () => {
    list.hidden = true
    options = []
    active = -1
    token = null
    textarea.removeAttribute('aria-activedescendant')
  }

  const highlight = (index) => {
    active = index
    list.querySelectorAll('[role="option"]').forEach((el, i) => {
      el.setAttribute('aria-selected', String(i === index))
      el.classList.toggle('is-active', i === index)
      if (i === index) {
        textarea.setAttribute('aria-activedescendant', el.id)
        el.scrollIntoView({ block: 'nearest' })
      }
    })
  }

  const pick = (index) => {
    const member = options[index]
    if (!member || !token) return
    const caret = textarea.selectionStart
    const insert = `@${member.name} `
    textarea.setRangeText(insert, token.start, caret, 'end')
    close()
    textarea.dispatchEvent(new Event('input', { bubbles: true }))
  }

  const update = () => {
    const caret = textarea.selectionStart
    const match = caret === textarea.selectionEnd && textarea.value.slice(0, caret).match(TOKEN)
    if (!match) return close()
    const query = fold(match[1])
    options = members.filter((m) => {
      const name = fold(m.name)
      return name.startsWith(query) || name.split(/\s+/).some((w) => w.startsWith(query))
    }).slice(0, MAX_OPTIONS)
    if (!options.length) return close()
    token = { start: caret - match[1].length - 1 }
    list.replaceChildren(...options.map((member, i) => h('li', {
      id: `${listId}-${i}`,
      role: 'option',
      className: 'mention-option',
      'aria-selected': 'false',
      on: {
        // Keep the focus (and caret) in the textarea.
        mousedown: (event) => { event.preventDefault(); pick(i) },
      },
    }, member.name)))
    list.hidden = false
    highlight(0)
  }

  textarea.addEventListener('input', update)
  textarea.addEventListener('click', update)
  textarea.addEventListener('blur', close)
  textarea.addEventListener('keydown', (event) => {
    if (list.hidden) return
    const count = options.length
    switch (event.key) {
      case 'ArrowDown': highlight((active + 1) % count); break
      case 'ArrowUp': highlight((active - 1 + count) % count); break
      case 'Enter':
      case 'Tab':
        if (event.ctrlKey || event.metaKey || event.shiftKey) return
        pick(active)
        break
      case 'Escape': close(); break
      default: return
    }
    // Handled here: not a form submit / cancel / caret move.
    event.preventDefault()
    event.stopPropagation()
  })

  return {
    list,
    isOpen: () => !list.hidden,
    /** Ids of the members named "@First Last" in the text (picked or typed). */
    ids: () => {
      const text = textarea.value
      return members.filter((m) => {
        let at = text.indexOf(`@${m.name}`)
        while (at >= 0) {
          const next = text.charAt(at + m.name.length + 1)
          if (!/[\p{L}\p{N}]/u.test(next)) return true
          at = text.indexOf(`@${m.name}`, at + 1)
        }
        return false
      }).map((m) => m.id)
    },
  }
}
