// Files from Blobs and to Blobs (issue 12), between real clients on a
// two-node in-process mesh over TCP: a File or a bare Blob is sent like a
// path (same protocol, chunk by chunk), and Client.receivedFile hands the
// received file back as a Blob, typed with the sender's MIME type only when a
// browser shows that type inertly (a text/html file comes back as
// application/octet-stream: a Blob URL would otherwise run the sender's page
// in the app's origin).
import { strict as assert } from 'node:assert'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { CHUNK_BYTES, DOWNLOADS_FOLDER, OPAQUE_BLOB_TYPE } from '../../client/files/constants.js'
import { blobType } from '../../client/files/received-file.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

async function receiveFile (c: Client, id: string): Promise<IncomingMessage> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const m = (await c.receive({ waitMs: 250 })).find((x) => x.id === id)
    if (m !== undefined) return m
    if (Date.now() > deadline) assert.fail(`file ${id} did not arrive`)
  }
}

describe('files from and to Blobs over a two-node mesh', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let dir: string
  let alice: Client
  let bob: Client
  const ids: Record<string, string> = {}

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-files-blob-')
    for (const who of ['alice', 'bob']) ids[who] = (await initIdentity(join(dir, who), PASS)).userId
    alice = await openClient({ home: join(dir, 'alice'), passphrase: PASS, nodes: [addressOf(nodes[0] as RelayNode)] })
    bob = await openClient({ home: join(dir, 'bob'), passphrase: PASS, nodes: [addressOf(nodes[1] as RelayNode)] })
    await alice.connect()
    await bob.connect()
    for (const n of nodes) {
      await waitFor(async () => (await n.records.userRecords(ids.alice as string)).length >= 2 && (await n.records.userRecords(ids.bob as string)).length >= 2, { what: 'both users on every node' })
    }
  })

  after(async () => {
    await alice?.close().catch(() => {})
    await bob?.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('a File arrives intact; receivedFile gives it back as a Blob, a text/html one typed application/octet-stream', async () => {
    const bytes = randomBytes(2 * CHUNK_BYTES + 1234)
    const sent = await alice.sendFile(ids.bob as string, new File([bytes as Uint8Array<ArrayBuffer>], 'page.html', { type: 'text/html' }))
    assert.deepEqual([sent.name, sent.size, sent.chunks], ['page.html', bytes.byteLength, 3])
    const m = await receiveFile(bob, sent.id)
    assert.equal(m.file?.name, 'page.html')
    assert.equal(m.file?.mime, 'text/html')
    assert.equal(sha(readFileSync(m.file?.path as string)), sha(bytes))
    const blob = await bob.receivedFile(m)
    assert.equal(blob.type, OPAQUE_BLOB_TYPE)
    assert.equal(blob.size, bytes.byteLength)
    assert.equal(sha(new Uint8Array(await blob.arrayBuffer())), sha(bytes))
    // the sender's own history keeps the name it was sent under
    const own = (await alice.history(ids.bob)).find((h) => h.id === sent.id)
    assert.deepEqual([own?.file?.name, own?.file?.mime], ['page.html', 'text/html'])
  })

  it('a bare Blob is sent under options.name; an image keeps its type', async () => {
    const bytes = randomBytes(5000)
    const sent = await alice.sendFile(ids.bob as string, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), { name: 'pic.png' })
    const m = await receiveFile(bob, sent.id)
    assert.equal(m.file?.name, 'pic.png')
    const blob = await bob.receivedFile({ from: m.from, id: m.id })
    assert.equal(blob.type, 'image/png')
    assert.equal(sha(new Uint8Array(await blob.arrayBuffer())), sha(bytes))
  })

  it('receivedFile: NotFound for a message that is not a file', async () => {
    const sent = await alice.send(ids.bob as string, 'just text')
    await receiveFile(bob, sent.id)
    await assert.rejects(bob.receivedFile({ from: ids.alice as string, id: sent.id }), (err: unknown) => RelaymeshError.is(err, ErrorCode.NotFound))
    await assert.rejects(bob.receivedFile({ from: ids.alice as string, id: 'ab'.repeat(16) }), (err: unknown) => RelaymeshError.is(err, ErrorCode.NotFound))
  })

  it('only inert MIME types survive into a Blob type', () => {
    for (const t of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/javascript', 'application/xml', '', 'IMAGE/PNG; x=<script>']) assert.equal(blobType(t), OPAQUE_BLOB_TYPE, t)
    for (const t of ['image/png', 'IMAGE/JPEG', 'text/plain', 'video/mp4']) assert.equal(blobType(t), t.toLowerCase(), t)
  })

  it('a received file cut short by a crash (its temp file) is deleted when the client opens; other files stay', async () => {
    const home = join(dir, 'carol')
    await initIdentity(home, PASS)
    const downloads = join(home, DOWNLOADS_FOLDER)
    mkdirSync(downloads, { recursive: true, mode: 0o700 })
    const temp = join(downloads, '.0123456789abcdef.part')
    writeFileSync(temp, 'half a file')
    writeFileSync(join(downloads, 'keep.txt'), 'a whole file')
    writeFileSync(join(downloads, '.hidden.part'), 'not ours')
    const c = await openClient({ home, passphrase: PASS, nodes: [] })
    await c.close()
    assert.equal(existsSync(temp), false)
    assert.equal(readFileSync(join(downloads, 'keep.txt'), 'utf8'), 'a whole file')
    assert.equal(existsSync(join(downloads, '.hidden.part')), true)
  })
})
