// Roving tabindex for a role="toolbar": one Tab stop, arrow keys (and
// Home/End) move between the visible buttons.

const visibleButtons = (container) =>
  Array.from(container.querySelectorAll('button')).filter((b) => !b.hidden && !b.closest('[hidden]'))

/** Make sure exactly one visible button is reachable with Tab. */
export const refreshRovingTabindex = (container) => {
  const buttons = visibleButtons(container)
  let current = buttons.find((b) => b.tabIndex === 0)
  for (const b of container.querySelectorAll('button')) b.tabIndex = -1
  if (!current) current = buttons[0]
  if (current) current.tabIndex = 0
}

export const installRovingFocus = (container) => {
  container.addEventListener('keydown', (event) => {
    const buttons = visibleButtons(container)
    const index = buttons.indexOf(document.activeElement)
    if (index < 0) return
    let next = -1
    switch (event.key) {
      case 'ArrowRight': case 'ArrowDown': next = (index + 1) % buttons.length; break
      case 'ArrowLeft': case 'ArrowUp': next = (index - 1 + buttons.length) % buttons.length; break
      case 'Home': next = 0; break
      case 'End': next = buttons.length - 1; break
      default: return
    }
    event.preventDefault()
    buttons[index].tabIndex = -1
    buttons[next].tabIndex = 0
    buttons[next].focus()
  })
  container.addEventListener('focusin', (event) => {
    if (!(event.target instanceof HTMLButtonElement)) return
    for (const b of container.querySelectorAll('button')) b.tabIndex = b === event.target ? 0 : -1
  })
  refreshRovingTabindex(container)
}
