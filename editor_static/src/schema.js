// The editor's extension list. The resulting node and mark names must match
// the server's document model exactly (see the live-editing contract):
// y-prosemirror deletes shared nodes it cannot map to this schema.

import StarterKit from '@tiptap/starter-kit'
import { Table, TableRow, TableHeader, TableCell } from '@tiptap/extension-table'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { Clause } from './clause-node.js'
import { ReadOnlyGuard } from './readonly-guard.js'
import { DocumentEnds } from './document-ends.js'
import { isAllowedLink } from './link-policy.js'
import { renderCaret, renderSelection } from './carets.js'

export const NODE_NAMES = [
  'doc', 'text', 'paragraph', 'heading', 'bulletList', 'orderedList', 'listItem',
  'blockquote', 'table', 'tableRow', 'tableHeader', 'tableCell', 'hardBreak', 'clause',
]
export const MARK_NAMES = ['bold', 'italic', 'underline', 'strike', 'link']

/**
 * @param {object} opts
 * @param {import('yjs').Doc} opts.ydoc
 * @param {object} opts.provider  y-websocket provider (awareness for carets)
 * @param {{ name: string, color: string }} opts.user
 */
export const buildExtensions = ({ ydoc, provider, user }) => [
  StarterKit.configure({
    heading: { levels: [1, 2, 3, 4] },
    // Collaboration brings its own Yjs-aware undo/redo.
    undoRedo: false,
    // Not part of the document model.
    code: false,
    codeBlock: false,
    horizontalRule: false,
    // Appending paragraphs by itself would write to the shared document
    // from every client (and from readers).
    trailingNode: false,
    link: {
      openOnClick: false,
      enableClickSelection: true,
      autolink: true,
      linkOnPaste: true,
      defaultProtocol: 'https',
      isAllowedUri: (url) => isAllowedLink(url),
      shouldAutoLink: (url) => isAllowedLink(url) || /^www\./i.test(url),
      HTMLAttributes: { target: '_blank', rel: 'noopener noreferrer nofollow' },
    },
  }),
  Table.configure({ resizable: false, allowTableNodeSelection: false }),
  TableRow,
  TableHeader,
  TableCell,
  Clause,
  ReadOnlyGuard,
  DocumentEnds,
  Collaboration.configure({ document: ydoc, field: 'content' }),
  CollaborationCaret.configure({
    provider,
    user,
    render: renderCaret,
    selectionRender: renderSelection,
  }),
]
