// Screen-reader announcements of comments and replies that others added,
// found by comparing the ids of two successive loads of the list.

import { t } from '../i18n.js'

/** Every comment id (threads and replies) of a list. */
export const collectIds = (threads) => {
  const ids = new Set()
  for (const thread of threads) {
    ids.add(thread.id)
    for (const reply of thread.replies || []) ids.add(reply.id)
  }
  return ids
}

/**
 * Announce what is new in `threads` compared to `known`, leaving out what
 * the user wrote (their own actions are announced where they happen).
 */
export const announceNew = (threads, known, userId, announce) => {
  const fresh = []
  for (const thread of threads) {
    const entries = [[thread, 'comments.live.newThread'],
      ...(thread.replies || []).map((reply) => [reply, 'comments.live.newReply'])]
    for (const [comment, key] of entries) {
      if (known.has(comment.id) || comment.author?.id === userId) continue
      fresh.push(t(key, { author: comment.author?.name || t('comments.author.unknown') }))
    }
  }
  if (fresh.length === 1) announce(fresh[0])
  else if (fresh.length > 1) announce(t('comments.live.many', { n: fresh.length }))
}
