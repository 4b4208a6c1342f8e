// The "who is here" list (`#presence`): one entry per connected client from
// the awareness states, with a coloured dot, the name and a marker for self.

import { safeColor } from './colors.js'
import { t } from './i18n.js'

/** Sorted list of present people; self first, then by name. */
export const presentPeople = (awareness) => {
  const selfId = awareness.clientID
  const people = []
  awareness.getStates().forEach((state, clientId) => {
    const user = state && state.user
    if (!user) return
    people.push({
      clientId,
      name: String(user.name || '').trim() || t('presence.anonymous'),
      color: safeColor(user.color),
      self: clientId === selfId,
    })
  })
  return people.sort((a, b) =>
    (a.self === b.self ? a.name.localeCompare(b.name) || a.clientId - b.clientId : a.self ? -1 : 1))
}

const renderItem = (person) => {
  const li = document.createElement('li')
  li.className = 'presence-item'
  li.dataset.clientId = String(person.clientId)
  if (person.self) li.dataset.self = 'true'
  const dot = document.createElement('span')
  dot.className = 'presence-dot'
  dot.setAttribute('aria-hidden', 'true')
  dot.style.backgroundColor = person.color
  const name = document.createElement('span')
  name.className = 'presence-name'
  name.textContent = person.name
  li.append(dot, name)
  if (person.self) {
    const marker = document.createElement('span')
    marker.className = 'presence-self'
    marker.textContent = `(${t('presence.self')})`
    li.append(' ', marker)
  }
  return li
}

/** Keep `listElement` in sync with the awareness states. */
export const mountPresence = (listElement, awareness) => {
  if (!listElement) return () => {}
  if (!listElement.getAttribute('aria-label')) {
    listElement.setAttribute('aria-label', t('presence.label'))
  }
  let lastKey = ''
  const render = () => {
    const people = presentPeople(awareness)
    const key = JSON.stringify(people)
    if (key === lastKey) return
    lastKey = key
    listElement.replaceChildren(...people.map(renderItem))
  }
  // 'change' fires only when a state's content changes, not on heartbeats.
  awareness.on('change', render)
  render()
  return () => awareness.off('change', render)
}
