#!/usr/bin/env node
// Benchmark client: N editors per room type timestamped markers at a fixed
// rate; prints one JSON line with the delay until every other editor of the
// room has seen each marker (percentiles in ms) and a convergence check.
// Usage: see README.md.
import { parseArgs } from 'node:util'
import { runMarkers } from './lib/marker-run.mjs'

const USAGE = `usage: node ymarkers.mjs --url ws://127.0.0.1:1234 [--rooms 3 | --rooms '["a","b"]']
  [--room-prefix bench] [--editors 4] [--rate 5] [--count 20]
  [--headers-json '{"Cookie":"..."}' | '[{...},{...}]'] [--params-json '{}']
  [--connect-timeout 10000] [--drain-timeout 10000] [--connect-concurrency 50]`

function parseJson (flag, text, fallback) {
  if (text === undefined) return fallback
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new Error(`${flag}: invalid JSON (${err.message})`)
  }
}

function positive (flag, text, { integer = true } = {}) {
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}`)
  }
  return n
}

function roomsOf (value, prefix) {
  if (/^\s*\[/.test(value)) {
    const list = parseJson('--rooms', value)
    if (!list.length || !list.every((r) => typeof r === 'string' || typeof r === 'number')) {
      throw new Error('--rooms list must hold strings')
    }
    return list.map(String)
  }
  const n = positive('--rooms', value)
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
}

export function parseOptions (argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      rooms: { type: 'string', default: '1' },
      'room-prefix': { type: 'string' },
      editors: { type: 'string', default: '4' },
      rate: { type: 'string', default: '5' },
      count: { type: 'string', default: '20' },
      'headers-json': { type: 'string' },
      'params-json': { type: 'string' },
      'connect-timeout': { type: 'string', default: '10000' },
      'drain-timeout': { type: 'string', default: '10000' },
      'connect-concurrency': { type: 'string', default: '50' },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help) return null
  if (!values.url) throw new Error('--url is required')
  const prefix = values['room-prefix'] || `bench-${Date.now().toString(36)}`
  return {
    url: values.url,
    rooms: roomsOf(values.rooms, prefix),
    editors: positive('--editors', values.editors),
    rate: positive('--rate', values.rate, { integer: false }),
    count: positive('--count', values.count),
    headers: parseJson('--headers-json', values['headers-json'], {}),
    params: parseJson('--params-json', values['params-json'], {}),
    connectTimeout: positive('--connect-timeout', values['connect-timeout']),
    drainTimeout: positive('--drain-timeout', values['drain-timeout']),
    connectConcurrency: positive('--connect-concurrency', values['connect-concurrency'])
  }
}

async function main () {
  let opts
  try {
    opts = parseOptions(process.argv.slice(2))
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`)
    process.exit(64)
  }
  if (!opts) {
    console.log(USAGE)
    return
  }
  try {
    const result = await runMarkers(opts)
    process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: String(err.message || err), converged: false }) + '\n',
      () => process.exit(2))
  }
}

main()
