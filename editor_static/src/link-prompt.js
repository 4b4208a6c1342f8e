// The "Lien" action: asks for a URL, accepts only http(s)/mailto, and sets,
// changes or (with an empty answer) removes the link at the selection.

import { Extension } from '@tiptap/core'
import { t } from './i18n.js'
import { parseLinkInput } from './link-policy.js'

/** @param {import('@tiptap/core').Editor} editor */
export const editLink = (editor) => {
  if (!editor.isEditable) return false
  const current = editor.getAttributes('link').href || ''
  const answer = window.prompt(t('link.prompt'), current)
  if (answer === null) {
    editor.commands.focus()
    return false
  }
  const parsed = parseLinkInput(answer)
  if (parsed.remove) {
    return editor.chain().focus().extendMarkRange('link').unsetLink().run()
  }
  if (parsed.invalid) {
    window.alert(t('link.invalid'))
    editor.commands.focus()
    return false
  }
  const { href } = parsed
  const { empty } = editor.state.selection
  if (empty && !editor.isActive('link')) {
    // Nothing selected: insert the address itself as the link text.
    return editor.chain().focus().insertContent({
      type: 'text',
      text: href.replace(/^mailto:/i, ''),
      marks: [{ type: 'link', attrs: { href } }],
    }).run()
  }
  return editor.chain().focus().extendMarkRange('link').setLink({ href }).run()
}

/** Ctrl/⌘+K opens the same link prompt from the text. */
export const LinkShortcut = Extension.create({
  name: 'linkShortcut',
  addKeyboardShortcuts() {
    return { 'Mod-k': () => { editLink(this.editor); return true } }
  },
})
