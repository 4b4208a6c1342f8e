// Entry point of the browser editor: reads the page contract, connects to
// the document's websocket, builds the Tiptap editor and wires the toolbar,
// presence list, save status and read-only mode together.

import { Editor } from '@tiptap/core'
import { readPageConfig } from './page-config.js'
import { connect } from './connection.js'
import { AckTracker, installAckHandler } from './ack.js'
import { buildExtensions } from './schema.js'
import { LinkShortcut } from './link-prompt.js'
import { mountToolbar } from './toolbar.js'
import { mountPresence } from './presence.js'
import { SyncStatus } from './sync-status.js'
import { installAccessHandler, makeEditable, makeReadOnly } from './access.js'
import { caretBrowsingOptions, surfaceAttributes } from './readonly-guard.js'
import { createComments } from './comments/index.js'
import { t } from './i18n.js'
import './clauses/strings.js'
import { installClauseStatus } from './clauses/status.js'
import { createClausePanel } from './clauses/panel.js'

const start = () => {
  const config = readPageConfig()
  if (!config) return null
  const { elements } = config

  const { ydoc, provider } = connect(config)
  const tracker = new AckTracker(ydoc)
  installAckHandler(provider, tracker)

  const comments = createComments(config, { ydoc, provider })
  let clausePanel = null
  installClauseStatus({
    estimatedValue: config.estimatedValue,
    onUpdate: (target) => clausePanel?.showUpdate(target),
  })
  const user = { name: config.user.name || t('presence.anonymous'), color: config.user.color }
  let editor = null
  const editableNow = () => (editor ? editor.isEditable : config.canEdit)
  editor = new Editor({
    ...caretBrowsingOptions,
    element: elements.editor,
    editable: config.canEdit,
    // The page's CSP forbids injected <style>; editor.css carries the rules.
    injectCSS: false,
    extensions: [...buildExtensions({ ydoc, provider, user }), LinkShortcut, comments.extension],
    editorProps: {
      // Recomputed by ProseMirror on every update, so it follows setEditable().
      attributes: () => ({
        class: 'editor-content',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': t('editor.label'),
        'aria-readonly': String(!editableNow()),
        ...surfaceAttributes(editableNow()),
      }),
    },
  })

  const toolbar = elements.toolbar ? mountToolbar(elements.toolbar, editor) : null
  const readOnly = (banner) => makeReadOnly({
    editor, toolbar, root: config.root, surface: elements.editor, banner,
  })
  if (!config.canEdit) readOnly(true)
  else config.root.dataset.mode = 'edit'
  // A role change applies at once, without reloading the page.
  installAccessHandler(provider, (mayEdit) => {
    if (mayEdit) makeEditable({ editor, toolbar, root: config.root })
    else readOnly(true)
  })

  const status = new SyncStatus({
    element: elements.status,
    provider,
    tracker,
    // Refused (4401 session expired, 4403 forbidden, 4404 unknown): stop editing.
    onRefused: () => readOnly(false),
  })
  const stopPresence = mountPresence(elements.presence, provider.awareness)
  comments.mount(editor)
  if (elements.clausePanel && elements.clauseToggle) {
    const announcer = elements.announcer
    clausePanel = createClausePanel({
      editor,
      panel: elements.clausePanel,
      toggle: elements.clauseToggle,
      config,
      announce: (message) => { if (announcer) announcer.textContent = message },
    })
  }

  window.addEventListener('beforeunload', (event) => {
    if (!status.shouldWarnBeforeUnload()) return
    event.preventDefault()
    event.returnValue = ''
  })

  const app = { editor, ydoc, provider, status, tracker, config, comments: comments.api }
  app.destroy = () => {
    stopPresence()
    clausePanel?.destroy()
    comments.destroy()
    editor.destroy()
    provider.destroy()
    tracker.destroy()
    ydoc.destroy()
  }
  return app
}

const app = start()
if (app) window.wikimarche = Object.assign(window.wikimarche || {}, app)
