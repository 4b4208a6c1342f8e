// Reads the page contract rendered by the server: the `#document-editor`
// mount point, its data attributes and the child elements the editor fills.

import { safeColor } from './colors.js'

/**
 * @typedef {object} PageConfig
 * @property {HTMLElement} root
 * @property {string} documentId
 * @property {string} wsUrlBase  absolute ws:// or wss:// URL, without the document id
 * @property {{ name: string, color: string }} user
 * @property {boolean} canEdit
 * @property {{ toolbar: HTMLElement|null, editor: HTMLElement, status: HTMLElement|null, presence: HTMLElement|null }} elements
 */

/** Build the websocket base URL from the page location and a path. */
export const websocketBase = (path, loc = window.location) => {
  const scheme = loc.protocol === 'https:' ? 'wss://' : 'ws://'
  const cleanPath = '/' + String(path || '').replace(/^\/+/, '').replace(/\/+$/, '')
  return scheme + loc.host + cleanPath
}

/** @returns {PageConfig|null} null when the page has no editor mount point. */
export const readPageConfig = (doc = document) => {
  const root = doc.getElementById('document-editor')
  if (!root) return null
  const editor = doc.getElementById('editor')
  if (!editor) return null
  const data = root.dataset
  return {
    root,
    documentId: String(data.documentId || ''),
    wsUrlBase: websocketBase(data.wsBase || '/ws/documents'),
    user: {
      name: (data.userName || '').trim(),
      color: safeColor(data.userColor),
    },
    canEdit: data.canEdit === 'true',
    documentKind: String(data.documentKind || ''),
    // The tender's estimated value, for computed clause parameters (insertion hours).
    estimatedValue: data.estimatedValue ? Number(data.estimatedValue) : null,
    elements: {
      toolbar: doc.getElementById('editor-toolbar'),
      editor,
      status: doc.getElementById('sync-status'),
      presence: doc.getElementById('presence'),
      clausePanel: doc.getElementById('clause-panel'),
      clauseToggle: doc.getElementById('clause-toggle'),
      announcer: doc.getElementById('clause-announcer'),
    },
  }
}
