// Comments and private annotations of the document: entry point used by
// main.js. `createComments()` is called before the editor exists (its
// highlight extension goes into the extension list); `mount(editor)` then
// builds the panel. `api` ({ refresh, list }) is exposed for tests.

import { CommentHighlights } from './highlights.js'
import { readCommentsConfig } from './page-data.js'
import { createController } from './controller.js'
import { mountSelectionButton } from './selection-button.js'
import { t } from '../i18n.js'

// On wide screens the panel sticks under the (sticky) toolbar: publish the
// toolbar's height as `--comments-top`.
const trackToolbarHeight = (root, toolbar) => {
  if (!toolbar || typeof ResizeObserver === 'undefined') return () => {}
  const observer = new ResizeObserver(() => {
    const height = toolbar.hidden ? 0 : toolbar.offsetHeight
    root.style.setProperty('--comments-top', `${height + 8}px`)
  })
  observer.observe(toolbar)
  return () => observer.disconnect()
}

/**
 * @param {{ root: HTMLElement, elements: { editor: HTMLElement } }} pageConfig
 * @param {{ ydoc: import('yjs').Doc, provider: object }} connection
 */
export const createComments = (pageConfig, { ydoc, provider }) => {
  const config = readCommentsConfig(pageConfig.root)
  const bridge = { resolve: () => null, click: () => {} }
  const handle = {
    extension: CommentHighlights.configure({
      resolve: (state) => bridge.resolve(state),
      onClickThread: (id) => bridge.click(id),
    }),
    api: { refresh: () => Promise.resolve(), list: () => [] },
    mount: () => {},
    destroy: () => {},
  }
  if (!config) return handle

  handle.mount = (editor) => {
    const { root, elements } = pageConfig
    root.classList.add('has-comments')
    if (config.panel.parentElement === root) root.classList.add('comments-inline')
    const stopTracking = trackToolbarHeight(root, elements.toolbar)
    const controller = createController({ config, editor, ydoc, provider, surface: elements.editor })
    bridge.resolve = controller.resolveForPlugin
    bridge.click = controller.onHighlightClick
    const button = mountSelectionButton({
      editor,
      surface: elements.editor,
      root,
      label: t(config.canComment ? 'comments.new' : 'comments.newPrivate'),
      open: controller.openComposer,
      busy: controller.isComposing,
    })
    handle.api.refresh = () => controller.refresh()
    handle.api.list = () => controller.list()
    handle.destroy = () => {
      stopTracking()
      button.destroy()
      controller.destroy()
    }
  }
  return handle
}
