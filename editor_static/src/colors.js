// Colour helpers for presence dots and remote carets: validation of user
// colours and a readable (WCAG AA) text colour for name labels.

const HEX6 = /^#[0-9a-f]{6}$/i
const HEX3 = /^#[0-9a-f]{3}$/i
export const FALLBACK_COLOR = '#475569'

/** Normalise a colour to `#rrggbb`, or return the neutral fallback. */
export const safeColor = (value) => {
  const color = String(value || '').trim()
  if (HEX6.test(color)) return color.toLowerCase()
  if (HEX3.test(color)) {
    return ('#' + color.slice(1).split('').map((c) => c + c).join('')).toLowerCase()
  }
  return FALLBACK_COLOR
}

const channel = (hex) => {
  const c = parseInt(hex, 16) / 255
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}

/** Relative luminance of a `#rrggbb` colour (WCAG 2 definition). */
export const luminance = (color) => {
  const hex = safeColor(color).slice(1)
  return 0.2126 * channel(hex.slice(0, 2)) +
    0.7152 * channel(hex.slice(2, 4)) +
    0.0722 * channel(hex.slice(4, 6))
}

/** Black or white, whichever contrasts more with `background`. */
export const readableTextColor = (background) => {
  const l = luminance(background)
  const onWhite = 1.05 / (l + 0.05)
  const onBlack = (l + 0.05) / 0.05
  return onBlack >= onWhite ? '#000000' : '#ffffff'
}
