// The committed protons output must be what `npm run proto:gen` produces from
// the committed .proto files.
import { strict as assert } from 'node:assert'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../../../..')
const pbDir = join(root, 'protocol', 'pb')

describe('protocol/pb generated code', function () {
  this.timeout(60_000)

  it('is current with the .proto files', () => {
    const out = mkdtempSync(join(tmpdir(), 'relaymesh-pb-'))
    try {
      execFileSync(process.execPath, [join(root, 'scripts', 'gen-proto.mjs'), '--out', out], { stdio: 'pipe' })
      const protos = readdirSync(pbDir).filter((f) => f.endsWith('.proto'))
      assert.ok(protos.length > 0)
      for (const proto of protos) {
        const ts = proto.replace(/\.proto$/, '.ts')
        assert.equal(readFileSync(join(out, ts), 'utf8'), readFileSync(join(pbDir, ts), 'utf8'), `${ts} is stale: run npm run proto:gen`)
      }
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
