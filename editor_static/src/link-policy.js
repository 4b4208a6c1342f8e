// Which link targets the editor accepts: only http(s) and mailto URLs, so a
// document can never carry javascript:, data: or relative links.

// Unicode whitespace and control characters browsers ignore inside URLs.
const IGNORED = /[\u0000-\u0020\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000\ufeff]/g

/** True when `url` is an absolute http://, https:// or mailto: URL. */
export const isAllowedLink = (url) => {
  if (typeof url !== 'string') return false
  const compact = url.replace(IGNORED, '')
  if (/^https?:\/\/[^/?#]+/i.test(compact)) return true
  return /^mailto:[^\s]+$/i.test(compact)
}

/**
 * Normalise what a person typed in the link prompt.
 * @returns {{ remove: true } | { href: string } | { invalid: true }}
 */
export const parseLinkInput = (raw) => {
  const value = String(raw ?? '').trim()
  if (value === '') return { remove: true }
  let href = value
  // "www.example.fr" and bare addresses are common; complete them.
  if (/^www\./i.test(href)) href = 'https://' + href
  else if (/^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/.test(href)) href = 'mailto:' + href
  return isAllowedLink(href) ? { href } : { invalid: true }
}
