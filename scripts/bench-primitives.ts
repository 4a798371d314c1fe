// Side-by-side throughput of node:crypto and @noble/* for every primitive
// protocol/crypto/primitives.ts wraps, plus the wrapper itself, so the choice
// made there can be checked on the machine at hand (docs/protocol.md §1).
//
//   node dist/scripts/bench-primitives.js [--rounds 7] [--ms 150] [--json] [--filter text]
//
// Each cell is the median of `rounds` timed runs of at least `ms` milliseconds;
// the node:crypto, @noble/* and primitives.ts runs of a row are interleaved round
// by round so that a noisy neighbour slows all three alike. Pure crypto: no
// libp2p, so no polyfills are needed.
import * as nc from 'node:crypto'
import { parseArgs } from 'node:util'
import { gcm } from '@noble/ciphers/aes.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import * as p from '../protocol/crypto/primitives.js'

type Op = () => unknown

interface Row {
  name: string
  node?: Op
  noble?: Op
  /** the primitives.ts export, as callers use it */
  ours?: Op
  /** which side primitives.ts uses for this row */
  uses: 'node' | 'noble'
}

interface Result {
  name: string
  node: number | null
  noble: number | null
  ours: number | null
  /** node / noble, when both exist */
  ratio: number | null
  uses: 'node' | 'noble'
}

let sink = 0 // keeps results observable so no call is optimised away

function timeOnce (op: Op, minMs: number): number {
  let n = 0
  let batch = 1
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < minMs) {
    for (let i = 0; i < batch; i++) {
      const r = op()
      if (r instanceof Uint8Array) sink ^= r[0] ?? 0
      else if (r === true) sink ^= 1
    }
    n += batch
    batch = Math.min(batch * 2, 4096)
    elapsed = Number(process.hrtime.bigint() - start) / 1e6
  }
  return (n * 1000) / elapsed
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function measure (row: Row, rounds: number, minMs: number): Result {
  const ops = [row.node, row.noble, row.ours]
  const samples: number[][] = [[], [], []]
  for (const op of ops) if (op !== undefined) timeOnce(op, Math.min(minMs, 50)) // warm-up (JIT, caches)
  for (let r = 0; r < rounds; r++) {
    ops.forEach((op, i) => { if (op !== undefined) samples[i]!.push(timeOnce(op, minMs)) })
  }
  const [node, noble, ours] = samples.map((s) => (s.length > 0 ? median(s) : null)) as [number | null, number | null, number | null]
  return { name: row.name, node, noble, ours, ratio: node !== null && noble !== null ? node / noble : null, uses: row.uses }
}

// ---------------------------------------------------------------- fixtures

const rnd = (n: number): Uint8Array => new Uint8Array(nc.randomBytes(n))
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength)

const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex')
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex')

const xPrivDer = (k: Uint8Array): nc.KeyObject => nc.createPrivateKey({ key: Buffer.concat([X25519_PKCS8, k]), format: 'der', type: 'pkcs8' })
// node reads only `d` of an OKP private JWK (and derives the public key), but wants `x` to be a string
const xPrivJwk = (k: Uint8Array): nc.KeyObject => nc.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x: '', d: buf(k).toString('base64url') }, format: 'jwk' })
const xPubJwk = (k: Uint8Array): nc.KeyObject => nc.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: buf(k).toString('base64url') }, format: 'jwk' })
const xPubDer = (k: Uint8Array): nc.KeyObject => nc.createPublicKey({ key: Buffer.concat([X25519_SPKI, k]), format: 'der', type: 'spki' })
const edPrivDer = (k: Uint8Array): nc.KeyObject => nc.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, k]), format: 'der', type: 'pkcs8' })
const edPrivJwk = (k: Uint8Array): nc.KeyObject => nc.createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: '', d: buf(k).toString('base64url') }, format: 'jwk' })
const edPubJwk = (k: Uint8Array): nc.KeyObject => nc.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: buf(k).toString('base64url') }, format: 'jwk' })
const edPubDer = (k: Uint8Array): nc.KeyObject => nc.createPublicKey({ key: Buffer.concat([ED25519_SPKI, k]), format: 'der', type: 'spki' })

const BASEPOINT = new Uint8Array(32)
BASEPOINT[0] = 9
const basepointKO = xPubJwk(BASEPOINT)

function rows (): Row[] {
  const key = rnd(32)
  const nonce = rnd(12)
  const aad = rnd(32)
  const small = rnd(256)
  const large = rnd(16 * 1024)
  const sealedSmall = p.aesGcmEncrypt(key, nonce, small, aad)
  const sealedLarge = p.aesGcmEncrypt(key, nonce, large, aad)
  const m32 = rnd(32)
  const salt = rnd(32)
  const info = new TextEncoder().encode('relaymesh bench')

  const alice = p.x25519GenerateKeyPair()
  const bob = p.x25519GenerateKeyPair()
  const aliceKO = xPrivJwk(alice.privateKey)
  const bobPubKO = xPubJwk(bob.publicKey)

  const ed = p.ed25519GenerateKeyPair()
  const edKO = edPrivJwk(ed.privateKey)
  const edPubKO = edPubJwk(ed.publicKey)
  const msg = rnd(100) // about the size of a signed prekey or presence record
  const sig = p.ed25519Sign(ed.privateKey, msg)

  const kem = p.mlkemGenerateKeyPair()
  const { cipherText } = p.mlkemEncapsulate(kem.publicKey)

  const nodeSeal = (pt: Uint8Array) => (): Buffer => {
    const c = nc.createCipheriv('aes-256-gcm', key, nonce)
    c.setAAD(aad)
    return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()])
  }
  const nodeOpen = (sealed: Uint8Array) => (): Buffer => {
    const d = nc.createDecipheriv('aes-256-gcm', key, nonce)
    d.setAuthTag(sealed.subarray(sealed.byteLength - 16))
    d.setAAD(aad)
    return Buffer.concat([d.update(sealed.subarray(0, sealed.byteLength - 16)), d.final()])
  }

  return [
    { name: 'AES-256-GCM seal 256 B', uses: 'node', node: nodeSeal(small), noble: () => gcm(key, nonce, aad).encrypt(small), ours: () => p.aesGcmEncrypt(key, nonce, small, aad) },
    { name: 'AES-256-GCM open 256 B', uses: 'node', node: nodeOpen(sealedSmall), noble: () => gcm(key, nonce, aad).decrypt(sealedSmall), ours: () => p.aesGcmDecrypt(key, nonce, sealedSmall, aad) },
    { name: 'AES-256-GCM seal 16 KiB', uses: 'node', node: nodeSeal(large), noble: () => gcm(key, nonce, aad).encrypt(large), ours: () => p.aesGcmEncrypt(key, nonce, large, aad) },
    { name: 'AES-256-GCM open 16 KiB', uses: 'node', node: nodeOpen(sealedLarge), noble: () => gcm(key, nonce, aad).decrypt(sealedLarge), ours: () => p.aesGcmDecrypt(key, nonce, sealedLarge, aad) },
    { name: 'SHA-256 32 B', uses: 'node', node: () => nc.createHash('sha256').update(m32).digest(), noble: () => nobleSha256(m32), ours: () => p.sha256(m32) },
    { name: 'HMAC-SHA256 32 B', uses: 'node', node: () => nc.createHmac('sha256', key).update(m32).digest(), noble: () => hmac(nobleSha256, key, m32), ours: () => p.hmacSha256(key, m32) },
    { name: 'HKDF-SHA256 32 B', uses: 'node', node: () => nc.hkdfSync('sha256', m32, salt, info, 32), noble: () => hkdf(nobleSha256, m32, salt, info, 32), ours: () => p.hkdfSha256(m32, salt, info, 32) },
    {
      name: 'X25519 DH, cached KeyObjects',
      uses: 'node',
      node: () => nc.diffieHellman({ privateKey: aliceKO, publicKey: bobPubKO }),
      noble: () => x25519.getSharedSecret(alice.privateKey, bob.publicKey),
      ours: () => p.x25519(alice.privateKey, bob.publicKey)
    },
    {
      name: 'X25519 DH, import public (JWK)',
      uses: 'node',
      node: () => nc.diffieHellman({ privateKey: aliceKO, publicKey: xPubJwk(bob.publicKey) }),
      // a fresh array each call defeats the KeyObject cache, as a key just decoded off the wire does
      ours: () => p.x25519(alice.privateKey, bob.publicKey.slice())
    },
    {
      name: 'X25519 DH, import public (DER)',
      uses: 'node',
      node: () => nc.diffieHellman({ privateKey: aliceKO, publicKey: xPubDer(bob.publicKey) })
    },
    {
      name: 'X25519 keygen (JWK import, X25519(k, 9))',
      uses: 'node',
      // what primitives.ts does: random scalar, JWK import, public key = X25519(k, 9)
      node: () => nc.diffieHellman({ privateKey: xPrivJwk(rnd(32)), publicKey: basepointKO }),
      noble: () => x25519.keygen(),
      ours: () => p.x25519GenerateKeyPair()
    },
    {
      name: 'X25519 keygen (DER import, X25519(k, 9))',
      uses: 'node',
      node: () => nc.diffieHellman({ privateKey: xPrivDer(rnd(32)), publicKey: basepointKO })
    },
    {
      name: 'X25519 keygen (generateKeyPairSync, DER out)',
      uses: 'node',
      node: () => nc.generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } })
    },
    {
      name: 'X25519 ratchet step (keygen + DH, new peer key)',
      uses: 'node',
      // a Double Ratchet DH step: our new key pair, their public key just decoded
      node: () => {
        const k = xPrivJwk(rnd(32))
        nc.diffieHellman({ privateKey: k, publicKey: basepointKO })
        return nc.diffieHellman({ privateKey: k, publicKey: xPubJwk(bob.publicKey) })
      },
      noble: () => x25519.getSharedSecret(x25519.keygen().secretKey, bob.publicKey),
      ours: () => p.x25519(p.x25519GenerateKeyPair().privateKey, bob.publicKey.slice())
    },
    {
      name: 'Ed25519 sign 100 B, cached key',
      uses: 'node',
      node: () => nc.sign(null, msg, edKO),
      noble: () => ed25519.sign(msg, ed.privateKey),
      ours: () => p.ed25519Sign(ed.privateKey, msg)
    },
    {
      name: 'Ed25519 verify 100 B, cached key',
      uses: 'node',
      node: () => nc.verify(null, msg, edPubKO, sig),
      noble: () => ed25519.verify(sig, msg, ed.publicKey),
      ours: () => p.ed25519Verify(ed.publicKey, msg, sig)
    },
    {
      name: 'Ed25519 verify 100 B, import (JWK)',
      uses: 'node',
      // records off the wire: every public key is a fresh array
      node: () => nc.verify(null, msg, edPubJwk(ed.publicKey), sig),
      ours: () => p.ed25519Verify(ed.publicKey.slice(), msg, sig)
    },
    {
      name: 'Ed25519 verify 100 B, import (DER)',
      uses: 'node',
      node: () => nc.verify(null, msg, edPubDer(ed.publicKey), sig)
    },
    {
      name: 'Ed25519 sign 100 B, new seed (JWK import)',
      uses: 'node',
      node: () => nc.sign(null, msg, edPrivJwk(ed.privateKey)),
      noble: () => ed25519.sign(msg, ed.privateKey),
      ours: () => p.ed25519Sign(ed.privateKey.slice(), msg)
    },
    {
      name: 'Ed25519 sign 100 B, new seed (DER import)',
      uses: 'node',
      node: () => nc.sign(null, msg, edPrivDer(ed.privateKey))
    },
    {
      name: 'Ed25519 public from seed (JWK import)',
      uses: 'node',
      node: () => nc.createPublicKey(edPrivJwk(ed.privateKey)).export({ format: 'der', type: 'spki' }).subarray(12),
      noble: () => ed25519.getPublicKey(ed.privateKey),
      ours: () => p.ed25519PublicFromPrivate(ed.privateKey.slice())
    },
    {
      name: 'Ed25519 public from seed (DER import)',
      uses: 'node',
      node: () => nc.createPublicKey(edPrivDer(ed.privateKey)).export({ format: 'der', type: 'spki' }).subarray(12)
    },
    {
      name: 'Ed25519 keygen',
      uses: 'node',
      node: () => nc.createPublicKey(edPrivJwk(rnd(32))).export({ format: 'der', type: 'spki' }).subarray(12),
      noble: () => ed25519.keygen(),
      ours: () => p.ed25519GenerateKeyPair()
    },
    {
      name: 'Ed25519 -> X25519 public',
      uses: 'noble',
      noble: () => ed25519.utils.toMontgomery(ed.publicKey),
      ours: () => p.ed25519PublicToX25519(ed.publicKey)
    },
    {
      name: 'Ed25519 -> X25519 private',
      uses: 'node',
      node: () => nc.createHash('sha512').update(ed.privateKey).digest().subarray(0, 32),
      noble: () => nobleSha512(ed.privateKey).subarray(0, 32),
      ours: () => p.ed25519PrivateToX25519(ed.privateKey)
    },
    { name: 'ML-KEM-768 keygen', uses: 'noble', noble: () => ml_kem768.keygen().publicKey, ours: () => p.mlkemGenerateKeyPair().publicKey },
    { name: 'ML-KEM-768 encaps', uses: 'noble', noble: () => ml_kem768.encapsulate(kem.publicKey).cipherText, ours: () => p.mlkemEncapsulate(kem.publicKey).cipherText },
    { name: 'ML-KEM-768 decaps', uses: 'noble', noble: () => ml_kem768.decapsulate(cipherText, kem.secretKey), ours: () => p.mlkemDecapsulate(cipherText, kem.secretKey) }
  ]
}

// ---------------------------------------------------------------- output

const fmt = (x: number | null): string => (x === null ? '—' : Math.round(x).toLocaleString('en-US'))

function table (results: Result[]): string {
  const head = ['primitive', 'node:crypto', '@noble/*', 'node/noble', 'primitives.ts', 'uses']
  const body = results.map((r) => [
    r.name, fmt(r.node), fmt(r.noble), r.ratio === null ? '—' : `${r.ratio.toFixed(1)}×`, fmt(r.ours), r.uses
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

function main (): void {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '7' },
      ms: { type: 'string', default: '150' },
      json: { type: 'boolean', default: false },
      filter: { type: 'string' }
    }
  })
  const rounds = Number(values.rounds)
  const minMs = Number(values.ms)
  if (!Number.isInteger(rounds) || rounds < 1 || !(minMs > 0)) throw new Error('--rounds must be a positive integer and --ms positive')
  const filter = values.filter?.toLowerCase()
  const selected = rows().filter((r) => filter === undefined || r.name.toLowerCase().includes(filter))

  console.log(`ops/s, median of ${rounds} runs of >= ${minMs} ms; node ${process.version}, ${process.arch}`)
  const results: Result[] = []
  for (const row of selected) {
    results.push(measure(row, rounds, minMs))
    if (!values.json) process.stderr.write('.')
  }
  if (!values.json) process.stderr.write('\n')
  console.log(table(results))
  if (values.json) {
    console.log(JSON.stringify({ node: process.version, rounds, minMs, results, sink }))
  }
}

main()
