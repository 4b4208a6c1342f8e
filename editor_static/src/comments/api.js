// JSON client for the comments API (same origin, cookie session). Every
// non-GET request carries the page's CSRF token; errors are thrown as
// ApiError with the server's (French) message, shown to the user as is.

import { t } from '../i18n.js'

export class ApiError extends Error {
  constructor (message, { status = 0, code = '' } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

const readError = async (response) => {
  let code = ''
  let message = ''
  try {
    const body = await response.json()
    code = String(body?.error?.code || '')
    message = String(body?.error?.message || '')
  } catch {
    // Not JSON (proxy error page…): fall back to a generic message.
  }
  return new ApiError(message || t('comments.error.http', { status: response.status }), {
    status: response.status, code,
  })
}

/**
 * @param {{ documentId: string, csrf: string }} config
 */
export const createApi = ({ documentId, csrf }) => {
  const request = async (method, path, body) => {
    const headers = { Accept: 'application/json' }
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let response
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError(t('comments.error.network'))
    }
    if (!response.ok) throw await readError(response)
    if (response.status === 204) return null
    return response.json()
  }
  const doc = `/api/documents/${encodeURIComponent(documentId)}/comments`
  const one = (id) => `/api/comments/${encodeURIComponent(id)}`
  return {
    list: () => request('GET', doc),
    create: (payload) => request('POST', doc, payload),
    reply: (id, payload) => request('POST', `${one(id)}/replies`, payload),
    edit: (id, body) => request('PATCH', one(id), { body }),
    remove: (id) => request('DELETE', one(id)),
    resolve: (id) => request('POST', `${one(id)}/resolve`),
    reopen: (id) => request('POST', `${one(id)}/reopen`),
    reattach: (id, anchor) => request('POST', `${one(id)}/anchor`, { anchor }),
    moderate: (id, state) => request('POST', `${one(id)}/moderate`, { state }),
  }
}
