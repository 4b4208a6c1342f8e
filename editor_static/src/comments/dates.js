// Relative dates in the page language ("il y a 3 min") with the full date as
// a tooltip, refreshed every minute by the panel.

import { pageLanguage, t } from '../i18n.js'

const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

let relative = null
let full = null

const formatters = () => {
  if (!relative) {
    const lang = pageLanguage()
    relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' })
    full = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' })
  }
  return { relative, full }
}

/** "il y a 3 min" for an epoch in seconds. */
export const relativeDate = (epochSeconds, nowMs = Date.now()) => {
  const elapsed = Math.round(nowMs / 1000 - Number(epochSeconds))
  if (elapsed < 45) return t('comments.date.now')
  for (const [unit, seconds] of UNITS) {
    if (elapsed >= seconds * 0.95 || unit === 'minute') {
      return formatters().relative.format(-Math.max(1, Math.round(elapsed / seconds)), unit)
    }
  }
  return ''
}

/** "mardi 4 mars 2025 à 14:05". */
export const fullDate = (epochSeconds) => formatters().full.format(new Date(Number(epochSeconds) * 1000))

/** Fill a <time> element for an epoch in seconds. */
export const setTime = (el, epochSeconds) => {
  el.dateTime = new Date(Number(epochSeconds) * 1000).toISOString()
  el.title = fullDate(epochSeconds)
  el.textContent = relativeDate(epochSeconds)
  el.dataset.epoch = String(epochSeconds)
}

/** Refresh every <time data-epoch> below `root`. */
export const refreshTimes = (root) => {
  for (const el of root.querySelectorAll('time[data-epoch]')) {
    el.textContent = relativeDate(el.dataset.epoch)
  }
}
