// Reads the comment-related part of the page contract: the extra data
// attributes of `#document-editor` and the `#comments-panel` element.

const parseJson = (text, fallback) => {
  if (!text) return fallback
  try {
    return JSON.parse(text)
  } catch {
    return fallback
  }
}

/**
 * @typedef {object} CommentsConfig
 * @property {HTMLElement} panel
 * @property {string} documentId
 * @property {boolean} canComment   may write public comments
 * @property {boolean} canModerate
 * @property {number|null} userId
 * @property {string[]} categories
 * @property {{ id: number, name: string }[]} members
 * @property {string} csrf
 */

/** @returns {CommentsConfig|null} null when the page has no comments panel. */
export const readCommentsConfig = (root, doc = document) => {
  const panel = doc.getElementById('comments-panel')
  if (!root || !panel) return null
  const data = root.dataset
  const userId = Number.parseInt(data.userId || '', 10)
  const categories = parseJson(data.categories, [])
  const members = parseJson(data.members, [])
  return {
    panel,
    documentId: String(data.documentId || ''),
    canComment: data.canComment === 'true',
    canModerate: data.canModerate === 'true',
    userId: Number.isFinite(userId) ? userId : null,
    categories: Array.isArray(categories)
      ? categories.filter((c) => typeof c === 'string' && c.trim()) : [],
    members: Array.isArray(members)
      ? members.filter((m) => m && Number.isFinite(Number(m.id)) && typeof m.name === 'string' && m.name.trim())
        .map((m) => ({ id: Number(m.id), name: m.name.trim() }))
      : [],
    csrf: String(data.csrf || ''),
  }
}
