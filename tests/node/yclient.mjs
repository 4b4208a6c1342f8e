#!/usr/bin/env node
// Long-running Yjs test client: reads JSON commands (one per line) on stdin,
// writes one JSON answer per command (same "id") on stdout. Commands run
// concurrently, so answers may arrive out of order. Diagnostics go to stderr.
// Protocol: see README.md.
import readline from 'node:readline'
import { runCommand, destroyAll } from './lib/commands.mjs'

// stdout carries the protocol only: route library logging to stderr
console.log = (...args) => console.error(...args)
console.info = (...args) => console.error(...args)

process.on('uncaughtException', (err) => console.error('[yclient] uncaught:', err))
process.on('unhandledRejection', (err) => console.error('[yclient] unhandled rejection:', err))

const answer = (obj, done) => process.stdout.write(JSON.stringify(obj) + '\n', done)

// Answers of commands that complete immediately are flushed first; commands
// still waiting (wait_text, burst, ...) are abandoned.
// End of stdin behaves like a quit without answer.
let quitting = false
function quit (id, withAnswer = true) {
  if (quitting) return
  quitting = true
  setImmediate(() => {
    destroyAll()
    if (withAnswer) answer({ id, ok: true }, () => process.exit(0))
    else process.exit(0)
  })
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })

rl.on('line', (line) => {
  if (quitting || line.trim() === '') return
  let cmd
  try {
    cmd = JSON.parse(line)
  } catch (err) {
    answer({ id: null, error: `invalid JSON: ${err.message}` })
    return
  }
  if (cmd && cmd.cmd === 'quit') {
    quit(cmd.id ?? null)
    return
  }
  runCommand(cmd).then((res) => answer(res))
})

rl.on('close', () => quit(null, false))

answer({ id: null, ready: true, pid: process.pid })
