// Ctrl+Home and Ctrl+End: the start and the end of the document, with Shift to
// select up to there. Left to the browser, Chromium stops at the first table cell
// on its way instead of going to the end of the text.

import { Extension } from '@tiptap/core'
import { Selection, TextSelection } from '@tiptap/pm/state'

/** Move the caret (or, with `extend`, the selection's head) to one end of the document. */
const moveTo = (editor, end, extend) => {
  const { state, view } = editor
  const target = end === 'start' ? Selection.atStart(state.doc) : Selection.atEnd(state.doc)
  const selection = extend
    ? TextSelection.create(state.doc, state.selection.anchor, target.head)
    : target
  view.dispatch(state.tr.setSelection(selection).scrollIntoView())
  return true
}

export const DocumentEnds = Extension.create({
  name: 'documentEnds',
  addKeyboardShortcuts() {
    return {
      'Mod-Home': () => moveTo(this.editor, 'start', false),
      'Mod-End': () => moveTo(this.editor, 'end', false),
      'Shift-Mod-Home': () => moveTo(this.editor, 'start', true),
      'Shift-Mod-End': () => moveTo(this.editor, 'end', true),
    }
  },
})
