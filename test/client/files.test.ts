// Encrypted files between real clients on a three-node in-process mesh over
// TCP (docs/protocol.md §8b): a 20 MiB file arrives intact across nodes; a
// transfer interrupted by the sender's node stopping resumes through another
// node and sends only the missing chunks; a chunk damaged on the replicas is
// detected and reported, never written; the bounds and the pure parts.
import { strict as assert } from 'node:assert'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { initIdentity, openClient, type Client, type FileProgress, type IncomingMessage } from '../../client/client.js'
import { CHUNK_BYTES, DOWNLOADS_FOLDER, MAX_FILE_BYTES } from '../../client/files/constants.js'
import { chunkEnvelopeId, chunkHash, decryptChunk, encryptChunk, isFileChunk } from '../../client/files/chunk-crypto.js'
import { decodeManifest, encodeManifest, chunkLengths, type Manifest } from '../../client/files/manifest.js'
import { safeFileName } from '../../client/files/safe-name.js'
import { PREFIX as NODE_PREFIX } from '../../node/store/keys.js'
import { decode, encode } from '../../protocol/codec.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'
const MiB = 1024 * 1024

async function rejectsWith (p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => RelaymeshError.is(err, code) || assert.fail(`expected ${code}, got ${String(err)}`))
}

function sha256File (path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** a file of `size` pseudo-random bytes (seeded, so cheap to make) */
function makeFile (path: string, size: number): string {
  const buf = Buffer.alloc(size)
  let x = 0x12345678 ^ size
  for (let i = 0; i < size; i += 4) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; buf.writeUInt32LE(x, i - (i + 4 > size ? i + 4 - size : 0)) }
  writeFileSync(path, buf)
  return createHash('sha256').update(buf).digest('hex')
}

/** receive() until a message matching `pred` arrived; returns everything received */
async function receiveUntil (c: Client, pred: (m: IncomingMessage) => boolean, timeout = 60_000): Promise<IncomingMessage[]> {
  const got: IncomingMessage[] = []
  const deadline = Date.now() + timeout
  while (!got.some(pred)) {
    if (Date.now() > deadline) assert.fail(`timed out; received ${JSON.stringify(got.map((m) => m.text))}`)
    got.push(...await c.receive({ waitMs: 250 }))
  }
  return got
}

describe('files: chunk crypto, manifest, names (pure)', () => {
  const fileId = randomBytes(16)
  const key = randomBytes(32)

  it('a chunk opens with its key at its index only, and any flipped byte is detected', () => {
    const plain = randomBytes(1000)
    const payload = encryptChunk(key, fileId, 3, plain)
    assert.ok(isFileChunk(payload))
    const ref = { key, hash: chunkHash(payload), length: 1000 }
    assert.deepEqual(decryptChunk(ref, fileId, 3, payload), plain)
    assert.deepEqual(encryptChunk(key, fileId, 3, plain), payload, 'deterministic: a resent chunk is the same envelope')
    assert.equal(chunkEnvelopeId(ref.hash).byteLength, 16)
    fc.assert(fc.property(fc.nat(payload.byteLength - 1), (i) => {
      const bad = payload.slice()
      bad[i] = (bad[i] as number) ^ 1
      assert.throws(() => decryptChunk(ref, fileId, 3, bad), (err: unknown) => RelaymeshError.is(err, ErrorCode.DecryptFailed))
    }), { numRuns: 50 })
    // right hash but wrong position or file: the AEAD's associated data does not match
    assert.throws(() => decryptChunk(ref, fileId, 4, payload), (err: unknown) => RelaymeshError.is(err, ErrorCode.DecryptFailed))
    assert.throws(() => decryptChunk(ref, randomBytes(16), 3, payload), (err: unknown) => RelaymeshError.is(err, ErrorCode.DecryptFailed))
  })

  it('a manifest round-trips, and one with a wrong layout is refused', () => {
    const size = 2 * CHUNK_BYTES + 5
    const m: Manifest = {
      fileId,
      name: 'a.bin',
      size,
      mime: '',
      chunkSize: CHUNK_BYTES,
      chunks: chunkLengths(size, CHUNK_BYTES).map((length) => ({ key: randomBytes(32), hash: randomBytes(32), length })),
      sha256: randomBytes(32),
      expiresAt: 0
    }
    assert.deepEqual(chunkLengths(size, CHUNK_BYTES), [CHUNK_BYTES, CHUNK_BYTES, 5])
    const back = decodeManifest(encodeManifest(m))
    assert.equal(back.size, size)
    assert.equal(back.expiresAt, 0)
    assert.equal(decodeManifest(encodeManifest({ ...m, expiresAt: 1_780_000_000_000 })).expiresAt, 1_780_000_000_000)
    assert.deepEqual(back.chunks.map((c) => c.length), [CHUNK_BYTES, CHUNK_BYTES, 5])
    const bad: Array<Partial<Manifest>> = [
      { size: MAX_FILE_BYTES + 1 },
      { chunkSize: CHUNK_BYTES * 2 },
      { chunks: m.chunks.slice(1) },
      { chunks: m.chunks.map((c, i) => i === 2 ? { ...c, length: 6 } : c) },
      { chunks: m.chunks.map((c, i) => i === 0 ? { ...c, key: randomBytes(31) } : c) },
      { sha256: randomBytes(16) },
      { fileId: randomBytes(8) },
      { name: 'x'.repeat(256) }
    ]
    for (const b of bad) assert.throws(() => decodeManifest(encodeManifest({ ...m, ...b })), (err: unknown) => RelaymeshError.is(err, ErrorCode.Decode), JSON.stringify(Object.keys(b)))
    // an expiry beyond 2^53 (field 9 = 2^64 - 1, appended: the last value wins) is refused, not rounded
    const huge = Uint8Array.from([...encodeManifest(m), 0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
    assert.throws(() => decodeManifest(huge), (err: unknown) => RelaymeshError.is(err, ErrorCode.Decode))
    // the largest file fits in one Content (68 KiB decode bound)
    const big = chunkLengths(MAX_FILE_BYTES, CHUNK_BYTES)
    assert.ok(encodeManifest({ ...m, size: MAX_FILE_BYTES, name: 'n'.repeat(255), chunks: big.map((length) => ({ key: randomBytes(32), hash: randomBytes(32), length })) }).byteLength < 64 * 1024)
  })

  it('file names lose folders, control characters and leading dots', () => {
    assert.equal(safeFileName('../../etc/passwd'), 'passwd')
    assert.equal(safeFileName('C:\\Users\\x\\report.pdf'), 'report.pdf')
    assert.equal(safeFileName('..'), 'file')
    assert.equal(safeFileName('.bashrc'), 'bashrc')
    assert.equal(safeFileName('a\u0000b\nc.txt'), 'abc.txt')
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => {
      const n = safeFileName(s)
      assert.ok(n.length > 0 && !/[/\\\u0000-\u001f]/.test(n) && !n.startsWith('.') && Buffer.byteLength(n) <= 255, JSON.stringify(n))
    }), { numRuns: 300 })
  })
})

describe('files between clients over a three-node mesh', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let dir: string
  const homes: Record<string, string> = {}
  const ids: Record<string, string> = {}
  const open: Client[] = []

  async function start (who: string, addresses: string[]): Promise<Client> {
    const c = await openClient({ home: homes[who] as string, passphrase: PASS, nodes: addresses })
    open.push(c)
    await c.connect()
    return c
  }

  async function stop (c: Client): Promise<void> {
    await c.close()
    open.splice(open.indexOf(c), 1)
  }

  async function known (node: RelayNode, userId: string): Promise<void> {
    await waitFor(async () => (await node.records.userRecords(userId)).length >= 2, { what: `${userId} on ${node.peerId.toString()}` })
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-files-')
    for (const who of ['alice', 'bob']) {
      homes[who] = join(dir, who)
      ids[who] = (await initIdentity(homes[who] as string, PASS, { name: who })).userId
    }
    // first attach publishes the identities; every node learns both by gossip
    for (const [who, i] of [['alice', 0], ['bob', 2]] as const) await stop(await start(who, [addressOf(nodes[i] as RelayNode)]))
    for (const n of nodes) { await known(n, ids.alice as string); await known(n, ids.bob as string) }
  })

  after(async () => {
    for (const c of [...open]) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('refuses a file over 100 MiB before reading it, and a missing file', async () => {
    const alice = await start('alice', [addressOf(nodes[0] as RelayNode)])
    const big = join(dir, 'big.bin')
    const fd = openSync(big, 'w')
    ftruncateSync(fd, MAX_FILE_BYTES + 1) // sparse: nothing to read anyway
    closeSync(fd)
    await rejectsWith(alice.sendFile(ids.bob as string, big), ErrorCode.TooLarge)
    await rejectsWith(alice.sendFile(ids.bob as string, join(dir, 'nope.bin')), ErrorCode.NotFound)
    await rejectsWith(alice.sendFile(ids.alice as string, big), ErrorCode.Invalid)
    await stop(alice)
  })

  it('a 20 MiB file from Alice on node 1 arrives intact at Bob on node 3', async () => {
    const src = join(dir, 'twenty.bin')
    const hash = makeFile(src, 20 * MiB)
    const alice = await start('alice', [addressOf(nodes[0] as RelayNode)])
    const bob = await start('bob', [addressOf(nodes[2] as RelayNode)])
    const t0 = Date.now()
    const sent = await alice.sendFile(ids.bob as string, src)
    const t1 = Date.now()
    assert.equal(sent.chunks, Math.ceil(20 * MiB / CHUNK_BYTES))
    assert.deepEqual([sent.sent, sent.resumed, sent.size, sent.name], [sent.chunks, 0, 20 * MiB, 'twenty.bin'])
    const got = await receiveUntil(bob, (m) => m.file !== undefined)
    const t2 = Date.now()
    const file = got.find((m) => m.file !== undefined) as IncomingMessage
    assert.deepEqual({ ...file, sentAt: 0, file: { ...file.file, path: '' } }, {
      id: sent.id, from: ids.alice, group: null, text: `[file] twenty.bin (${20 * MiB} bytes)`, sentAt: 0, file: { name: 'twenty.bin', size: 20 * MiB, path: '' }
    })
    const path = file.file?.path as string
    assert.equal(path, join(homes.bob as string, DOWNLOADS_FOLDER, 'twenty.bin'))
    assert.equal(sha256File(path), hash)
    assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.equal(statSync(join(homes.bob as string, DOWNLOADS_FOLDER)).mode & 0o777, 0o700)
    assert.deepEqual(readdirSync(join(homes.bob as string, DOWNLOADS_FOLDER)), ['twenty.bin'], 'no temp file left')
    assert.equal((await alice.history(ids.bob)).at(-1)?.text, `[file] twenty.bin (${20 * MiB} bytes)`)
    // eslint-disable-next-line no-console
    console.log(`      20 MiB: stored in the mesh in ${t1 - t0} ms (${(20 / ((t1 - t0) / 1000)).toFixed(1)} MiB/s), received and saved ${t2 - t1} ms later`)
    await stop(alice)
    await stop(bob)
  })

  it('resumes after the sender\'s node stops mid-transfer, sending only the missing chunks; Bob saves it beside the first without replacing it', async () => {
    const src = join(dir, 'twenty.bin') // the same name again (other bytes): saved as "twenty (1).bin"
    const hash = makeFile(src, 20 * MiB + 12_345)
    const total = Math.ceil((20 * MiB + 12_345) / CHUNK_BYTES)
    // one node only: Alice attaches and sends through it (with a second node in her list, her sends would move there by themselves)
    const first = await start('alice', [addressOf(nodes[0] as RelayNode)])
    let storedAtStop = -1
    let stopping: Promise<void> | undefined
    const onProgress = (p: FileProgress): void => {
      if (p.chunksStored >= 40 && stopping === undefined) {
        storedAtStop = p.chunksStored
        stopping = (nodes[0] as RelayNode).stop()
      }
    }
    await assert.rejects(first.sendFile(ids.bob as string, src, { onProgress }), (err: unknown) => {
      assert.ok(RelaymeshError.is(err) && [ErrorCode.Unavailable, ErrorCode.Timeout].includes(err.code), String(err))
      assert.match((err as Error).message, /interrupted: \d+ of \d+ chunks stored.*resume/)
      return true
    })
    await stopping
    assert.ok(storedAtStop >= 40)
    const last: FileProgress[] = []
    await stop(first)
    // Alice comes back through node 2; the second run resumes there
    const alice = await start('alice', [addressOf(nodes[1] as RelayNode)])
    const again = await alice.sendFile(ids.bob as string, src, { onProgress: (p) => last.push(p) })
    assert.equal(again.chunks, total)
    assert.ok(again.resumed >= storedAtStop, `resumed ${again.resumed}, stored before the stop ${storedAtStop}`)
    assert.equal(again.sent, total - again.resumed, 'only the missing chunks are sent')
    assert.equal(last[0]?.chunksStored, again.resumed)
    assert.equal(last.at(-1)?.chunksStored, total)

    const bob = await start('bob', [addressOf(nodes[2] as RelayNode)])
    const got = await receiveUntil(bob, (m) => m.file !== undefined)
    const file = got.find((m) => m.file !== undefined)?.file
    assert.equal(file?.path, join(homes.bob as string, DOWNLOADS_FOLDER, 'twenty (1).bin'))
    assert.equal(sha256File(file.path), hash)
    assert.equal(got.filter((m) => m.file !== undefined).length, 1, 'once')
    await stop(alice)
    await stop(bob)
  })

  it('a chunk damaged on the replicas is detected and reported; nothing is written', async () => {
    const live = nodes.filter((_, i) => i !== 0) // node 1 was stopped above
    const alice = await start('alice', [addressOf(live[0] as RelayNode)])
    const src = join(dir, 'small.bin')
    makeFile(src, CHUNK_BYTES * 3 + 77)
    await alice.sendFile(ids.bob as string, src)
    await stop(alice)
    // flip the last byte (the GCM tag) of one chunk envelope wherever it is stored
    let target: string | undefined
    let flipped = 0
    for (const node of live) {
      for await (const [key, value] of node.store.range({ gte: NODE_PREFIX.envelope, lt: NODE_PREFIX.envelope + '\xff' })) {
        const env = decode(Envelope, value, 1024 * 1024, 'Envelope')
        if (!isFileChunk(env.payload)) continue
        target ??= key
        if (key !== target) continue
        const payload = env.payload.slice()
        payload[payload.byteLength - 1] = (payload[payload.byteLength - 1] as number) ^ 0xff
        await node.store.put(key, encode(Envelope, { ...env, payload }), { sync: true })
        flipped++
      }
    }
    assert.ok(flipped >= 1, 'a chunk envelope was found')
    const bob = await start('bob', [addressOf(live[1] as RelayNode)])
    const got = await receiveUntil(bob, (m) => m.system === true && /small\.bin/.test(m.text))
    assert.equal(got.filter((m) => m.file !== undefined).length, 0)
    const notice = got.find((m) => m.system === true) as IncomingMessage
    assert.equal(notice.from, ids.alice)
    assert.match(notice.text, /file "small\.bin" from \S+ is damaged \(chunk \d+: hash does not match the manifest\); it was not saved/)
    const downloads = join(homes.bob as string, DOWNLOADS_FOLDER)
    assert.ok(!existsSync(join(downloads, 'small.bin')))
    assert.deepEqual(readdirSync(downloads).filter((n) => n.startsWith('.')), [], 'no temp file left')
    // nothing is left pending or repeated
    assert.deepEqual(await bob.receive(), [])
    await stop(bob)
  })
})
