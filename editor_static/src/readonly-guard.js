// Keeps a read-only editor from producing document changes of its own.
// Plugins such as table normalisation append transactions even when the view
// is not editable; a reader's client must never send such writes (the server
// closes the socket on a write from a read-only role).
//
// A read-only text stays a focusable, caret-browsable surface (ProseMirror's
// own `editable` flag stays on: Tiptap's core "editable" extension is left
// out), so keyboard-only readers can select a passage and annotate it. Every
// change they would make there is dropped by the filter below.

import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { isChangeOrigin } from '@tiptap/extension-collaboration'
import { t } from './i18n.js'

/** Editor options keeping ProseMirror's caret when Tiptap is not editable. */
export const caretBrowsingOptions = { enableCoreExtensions: { editable: false } }

/** Extra attributes of the text surface for the current mode. */
export const surfaceAttributes = (editable) => (editable
  ? { spellcheck: 'true' }
  : {
      tabindex: '0',
      'aria-readonly': 'true',
      'aria-label': t('editor.label.readonly'),
      // No on-screen keyboard or spelling marks on a text nobody may type in.
      inputmode: 'none',
      spellcheck: 'false',
    })

// Undo and redo change the shared document directly (Yjs' UndoManager), not
// through a ProseMirror transaction: a reader who could edit earlier (role
// lowered, session refused) must not replay their history from the caret.
const isHistory = (event) => event.inputType === 'historyUndo' || event.inputType === 'historyRedo'

export const ReadOnlyGuard = Extension.create({
  name: 'readOnlyGuard',
  // Before Collaboration (1000), whose shortcuts would run the undo.
  priority: 1100,

  addKeyboardShortcuts() {
    const blocked = () => !this.editor.isEditable
    return { 'Mod-z': blocked, 'Mod-y': blocked, 'Shift-Mod-z': blocked }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    return [
      new Plugin({
        key: new PluginKey('readOnlyGuard'),
        // Changes coming from the shared document are always accepted.
        filterTransaction: (tr) =>
          !tr.docChanged || editor.isEditable || isChangeOrigin(tr),
        props: {
          handleDOMEvents: {
            beforeinput: (_view, event) => {
              if (editor.isEditable || !isHistory(event)) return false
              event.preventDefault()
              return true
            },
          },
        },
      }),
    ]
  },
})
