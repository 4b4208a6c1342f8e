// The save/connection indicator (`#sync-status`). Derives one state from the
// websocket provider and the ack tracker and shows it with a `data-state`
// attribute: connecting, saved, saving, offline or refused.

import { t } from './i18n.js'

export const REFUSAL_CODES = new Set([4401, 4403, 4404])

/**
 * Pure state computation, kept separate so it can be reasoned about alone.
 * @param {{ refusedCode: number|null, connected: boolean, synced: boolean,
 *   everSynced: boolean, failedAttempts: number, unsaved: boolean }} s
 */
export const computeState = (s) => {
  if (s.refusedCode !== null) return 'refused'
  if (s.connected && s.synced) return s.unsaved ? 'saving' : 'saved'
  if (s.everSynced || s.failedAttempts > 0) return 'offline'
  return 'connecting'
}

const messageFor = (state, refusedCode) => {
  if (state !== 'refused') return t(`status.${state}`)
  return REFUSAL_CODES.has(refusedCode)
    ? t(`status.refused.${refusedCode}`)
    : t('status.refused.other')
}

export class SyncStatus {
  /**
   * @param {object} opts
   * @param {HTMLElement|null} opts.element
   * @param {object} opts.provider  y-websocket provider
   * @param {import('./ack.js').AckTracker} opts.tracker
   * @param {(code: number) => void} [opts.onRefused]
   */
  constructor ({ element, provider, tracker, onRefused = () => {} }) {
    this.element = element
    this.provider = provider
    this.tracker = tracker
    this.onRefused = onRefused
    this.refusedCode = null
    this.everSynced = false
    this.failedAttempts = 0
    this.state = null

    provider.on('status', () => this.update())
    provider.on('sync', (synced) => {
      if (synced) {
        this.everSynced = true
        this.failedAttempts = 0
      }
      this.update()
    })
    provider.on('connection-close', (event) => this._onClose(event))
    tracker.onChange(() => this.update())
    this.update()
  }

  _onClose (event) {
    // `event` is null when the client closed the socket itself.
    if (event) this.failedAttempts++
    const code = event ? event.code : null
    if (code !== null && code >= 4400 && code < 4500 && this.refusedCode === null) {
      this.refusedCode = code
      // The provider stops on 44xx by itself; make it explicit and final.
      this.provider.shouldConnect = false
      queueMicrotask(() => this.provider.disconnect())
      this.onRefused(code)
    }
    this.update()
  }

  snapshot () {
    return {
      refusedCode: this.refusedCode,
      connected: this.provider.wsconnected,
      synced: this.provider.synced,
      everSynced: this.everSynced,
      failedAttempts: this.failedAttempts,
      unsaved: this.tracker.hasUnsaved(),
    }
  }

  update () {
    const state = computeState(this.snapshot())
    if (state === this.state) return
    this.state = state
    if (!this.element) return
    this.element.dataset.state = state
    if (state === 'refused') this.element.dataset.code = String(this.refusedCode)
    this.element.textContent = messageFor(state, this.refusedCode)
  }

  /** Whether leaving the page now could lose changes. */
  shouldWarnBeforeUnload () {
    return this.tracker.hasUnsaved()
  }
}
