// Latency markers for ymarkers.mjs: format/parse of the marker text typed by
// editors (it carries the sender's wall-clock send time) and percentile stats.
import * as Y from 'yjs'
import { nodeText } from './doc-body.mjs'

/** Wall-clock milliseconds with sub-ms precision, comparable across processes. */
export const nowMs = () => performance.timeOrigin + performance.now()

const MARKER_RE = /<<m:(\d+)\.(\d+)\.(\d+)@(\d+(?:\.\d+)?)>>/g

/** Marker text for room index, editor index, sequence number and send time. */
export const formatMarker = (room, editor, seq, ts) =>
  `<<m:${room}.${editor}.${seq}@${ts.toFixed(3)}>> `

/** All markers found in `text`: [{key, room, editor, seq, ts}]. */
export function parseMarkers (text) {
  const found = []
  for (const m of text.matchAll(MARKER_RE)) {
    found.push({
      key: `${m[1]}.${m[2]}.${m[3]}`,
      room: Number(m[1]),
      editor: Number(m[2]),
      seq: Number(m[3]),
      ts: Number(m[4])
    })
  }
  return found
}

/**
 * Plain text inserted by a batch of observeDeep events: string inserts of
 * XmlText deltas, and the full text of inserted elements.
 */
export function insertedText (events) {
  const parts = []
  for (const event of events) {
    for (const op of event.delta) {
      if (typeof op.insert === 'string') {
        parts.push(op.insert)
      } else if (Array.isArray(op.insert)) {
        for (const node of op.insert) {
          if (node instanceof Y.AbstractType) parts.push(nodeText(node))
        }
      }
    }
  }
  return parts.join('\n')
}

/** Nearest-rank percentile of an ascending sorted array (null when empty). */
export function percentile (sorted, p) {
  if (sorted.length === 0) return null
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

const round = (x) => (x === null ? null : Math.round(x * 100) / 100)

/** {p50, p95, p99, max, mean} of a list of values (ms, 2 decimals). */
export function summarize (values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mean = sorted.length ? sorted.reduce((s, x) => s + x, 0) / sorted.length : null
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
    mean: round(mean)
  }
}
