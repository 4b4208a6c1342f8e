// The toolbar's buttons: label, shortcut and what each one does, checks and
// shows. Pure definitions; `toolbar.js` renders them.

import { editLink } from './link-prompt.js'

const inTable = (editor) => editor.isActive('table')
const chain = (editor) => editor.chain().focus()

const heading = (level) => ({
  id: `heading-${level}`,
  label: ['toolbar.heading', { level }],
  shortcut: `Mod-Alt-${level}`,
  toggle: true,
  run: (e) => chain(e).toggleHeading({ level }).run(),
  active: (e) => e.isActive('heading', { level }),
  enabled: (e) => e.can().toggleHeading({ level }),
})

const mark = (name, command, shortcut) => ({
  id: name,
  label: [`toolbar.${name}`],
  shortcut,
  toggle: true,
  run: (e) => chain(e)[command]().run(),
  active: (e) => e.isActive(name),
  enabled: (e) => e.can()[command](),
})

const block = (id, command, shortcut, nodeName = id) => ({
  id,
  label: [`toolbar.${id}`],
  shortcut,
  toggle: true,
  run: (e) => chain(e)[command]().run(),
  active: (e) => e.isActive(nodeName),
  enabled: (e) => e.can()[command](),
})

const tableAction = (id, command) => ({
  id,
  label: [`toolbar.${id}`],
  shortLabel: [`toolbar.${id}.short`],
  run: (e) => chain(e)[command]().run(),
  visible: inTable,
  enabled: (e) => e.can()[command](),
})

/** Button groups, in display order. */
export const TOOLBAR_GROUPS = [
  [
    heading(1),
    heading(2),
    heading(3),
    {
      id: 'paragraph',
      label: ['toolbar.paragraph'],
      shortcut: 'Mod-Alt-0',
      toggle: true,
      run: (e) => chain(e).setParagraph().run(),
      active: (e) => e.isActive('paragraph') && !e.isActive('listItem') && !e.isActive('blockquote'),
      // Already a paragraph counts as available (pressed), not as disabled.
      enabled: (e) => e.isActive('paragraph') || e.can().setParagraph(),
    },
  ],
  [
    mark('bold', 'toggleBold', 'Mod-b'),
    mark('italic', 'toggleItalic', 'Mod-i'),
    mark('underline', 'toggleUnderline', 'Mod-u'),
    mark('strike', 'toggleStrike', 'Mod-Shift-s'),
    {
      id: 'link',
      label: ['toolbar.link'],
      shortcut: 'Mod-k',
      toggle: true,
      run: (e) => editLink(e),
      active: (e) => e.isActive('link'),
      enabled: (e) => e.isEditable,
    },
  ],
  [
    block('bulletList', 'toggleBulletList', 'Mod-Shift-8'),
    block('orderedList', 'toggleOrderedList', 'Mod-Shift-7'),
    block('blockquote', 'toggleBlockquote', 'Mod-Shift-b'),
  ],
  [
    {
      id: 'insertTable',
      label: ['toolbar.insertTable'],
      run: (e) => chain(e).insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
      // Inside a table the row/column actions take its place.
      visible: (e) => !inTable(e),
      enabled: (e) => e.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
    },
    tableAction('addRow', 'addRowAfter'),
    tableAction('deleteRow', 'deleteRow'),
    tableAction('addColumn', 'addColumnAfter'),
    tableAction('deleteColumn', 'deleteColumn'),
    tableAction('deleteTable', 'deleteTable'),
  ],
  [
    {
      id: 'undo',
      label: ['toolbar.undo'],
      shortcut: 'Mod-z',
      run: (e) => chain(e).undo().run(),
      enabled: (e) => e.can().undo(),
    },
    {
      id: 'redo',
      label: ['toolbar.redo'],
      shortcut: 'Mod-Shift-z',
      run: (e) => chain(e).redo().run(),
      enabled: (e) => e.can().redo(),
    },
  ],
]
