// JSON client for the clause library API, with small caches: a clause's
// details and a rendering (clause, version, values) never change once read.

import { ApiError } from '../comments/api.js'
import { t } from '../i18n.js'

const csrfToken = () => document.getElementById('document-editor')?.dataset.csrf || ''

const request = async (method, path, body) => {
  const headers = { Accept: 'application/json' }
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = csrfToken()
    headers['Content-Type'] = 'application/json'
  }
  let response
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(t('clauses.error'))
  }
  if (!response.ok) {
    let message = ''
    try { message = (await response.json())?.error?.message || '' } catch { /* not JSON */ }
    throw new ApiError(message || t('clauses.error'), { status: response.status })
  }
  return response.json()
}

const details = new Map()
const renderings = new Map()

export const searchClauses = (query, filters = {}) => {
  const params = new URLSearchParams({ q: query })
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value)
  return request('GET', `/api/clauses?${params}`)
}

/** Details of a clause with all its versions (cached for the page's life). */
export const clauseDetail = (id) => {
  if (!details.has(id)) {
    const pending = request('GET', `/api/clauses/${encodeURIComponent(id)}`)
    pending.catch(() => details.delete(id))
    details.set(id, pending)
  }
  return details.get(id)
}

/** The text of a clause version for the given values, with computed values. */
export const renderClause = (id, version, params, estimatedValue) => {
  const body = { version, params, estimated_value: estimatedValue ?? null }
  const key = JSON.stringify([id, body])
  if (!renderings.has(key)) {
    const pending = request('POST', `/api/clauses/${encodeURIComponent(id)}/render`, body)
    pending.catch(() => renderings.delete(key))
    renderings.set(key, pending)
  }
  return renderings.get(key)
}
