// Builds the browser editor: bundles src/main.js into dist/editor.js and
// src/editor.css (with the parts it imports) into dist/editor.css. With
// --check, builds into a temporary folder and fails if the committed dist/
// differs from what the source produces.

import { build } from 'esbuild'
import { mkdtemp, mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const srcDir = join(here, 'src')
const distDir = join(here, 'dist')
const OUTPUTS = ['editor.js', 'editor.css']

const common = {
  absWorkingDir: here,
  bundle: true,
  charset: 'utf8',
  logLevel: 'warning',
}

const buildInto = async (outDir) => {
  await mkdir(outDir, { recursive: true })
  await build({
    ...common,
    entryPoints: [join(srcDir, 'main.js')],
    outfile: join(outDir, 'editor.js'),
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  await build({
    ...common,
    entryPoints: [join(srcDir, 'editor.css')],
    outfile: join(outDir, 'editor.css'),
    // Readable output: the stylesheet is small and served as is.
    minify: false,
    target: ['chrome100', 'firefox100', 'safari15'],
  })
}

const check = async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'wikimarche-editor-'))
  try {
    await buildInto(tmp)
    const problems = []
    let present = []
    try {
      present = await readdir(distDir)
    } catch {
      problems.push('dist/ is missing')
    }
    for (const name of OUTPUTS) {
      if (!present.includes(name)) {
        if (present.length) problems.push(`dist/${name} is missing`)
        continue
      }
      const [expected, actual] = await Promise.all([
        readFile(join(tmp, name)),
        readFile(join(distDir, name)),
      ])
      if (!expected.equals(actual)) problems.push(`dist/${name} does not match the source`)
    }
    for (const name of present) {
      if (!OUTPUTS.includes(name)) problems.push(`dist/${name} is not produced by the build`)
    }
    if (problems.length) {
      console.error('editor_static: the committed bundle is out of date:')
      for (const p of problems) console.error(`  - ${p}`)
      console.error('Run `npm ci && npm run build` in editor_static/ and commit dist/.')
      process.exit(1)
    }
    console.log('editor_static: dist/ matches the source.')
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

if (process.argv.includes('--check')) {
  await check()
} else {
  await buildInto(distDir)
  console.log('editor_static: built dist/editor.js and dist/editor.css')
}
