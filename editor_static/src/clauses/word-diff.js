// A word-level diff of two texts (longest common subsequence), rendered as
// DOM nodes: <del> for removed words, <ins> for added ones.

const words = (text) => text.split(/(\s+)/).filter((w) => w !== '')

export const diffWords = (before, after) => {
  const a = words(before)
  const b = words(after)
  // Past this size the table gets large: show the whole change instead.
  if (a.length * b.length > 4_000_000) return [['del', before], ['ins', after]]
  const rows = a.length + 1
  const cols = b.length + 1
  const table = new Uint32Array(rows * cols)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j]
        ? table[(i + 1) * cols + j + 1] + 1
        : Math.max(table[(i + 1) * cols + j], table[i * cols + j + 1])
    }
  }
  const out = []
  const push = (kind, text) => {
    const last = out[out.length - 1]
    if (last && last[0] === kind) last[1] += text
    else out.push([kind, text])
  }
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { push('same', a[i]); i++; j++ } else if (table[(i + 1) * cols + j] >= table[i * cols + j + 1]) { push('del', a[i]); i++ } else { push('ins', b[j]); j++ }
  }
  while (i < a.length) push('del', a[i++])
  while (j < b.length) push('ins', b[j++])
  return out
}

/** A <p> showing the diff of `before` → `after`. */
export const diffNode = (before, after) => {
  const p = document.createElement('p')
  p.className = 'clause-diff'
  for (const [kind, text] of diffWords(before, after)) {
    if (kind === 'same') p.append(text)
    else p.append(Object.assign(document.createElement(kind), { textContent: text }))
  }
  return p
}
