// Keeps a read-only editor from producing document changes of its own.
// Plugins such as table normalisation append transactions even when the view
// is not editable; a reader's client must never send such writes (the server
// closes the socket on a write from a read-only role).

import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { isChangeOrigin } from '@tiptap/extension-collaboration'

export const ReadOnlyGuard = Extension.create({
  name: 'readOnlyGuard',

  addProseMirrorPlugins() {
    const editor = this.editor
    return [
      new Plugin({
        key: new PluginKey('readOnlyGuard'),
        // Changes coming from the shared document are always accepted.
        filterTransaction: (tr) =>
          !tr.docChanged || editor.isEditable || isChangeOrigin(tr),
      }),
    ]
  },
})
