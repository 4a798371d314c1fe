// The Ed25519 -> X25519 public-key map (RFC 7748 §4.1), our own code in
// BigInt, cross-checked byte for byte against @noble in
// test/protocol/crypto/birational-map.test.ts. The same in every build.
import { ErrorCode, RelaymeshError } from '../errors.js'

// Field arithmetic for the birational map, in BigInt: p = 2^255 - 19 and
// Edwards d = -121665/121666 (RFC 8032 §5.1).
const P = (1n << 255n) - 19n
const ED_D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n

const modP = (a: bigint): bigint => { const r = a % P; return r < 0n ? r + P : r }

/** a^-1 mod p by the extended Euclidean algorithm (a != 0 mod p); 6x cheaper than a^(p-2) in BigInt. */
function invertModP (a: bigint): bigint {
  let r0 = P
  let r1 = a
  let t0 = 0n
  let t1 = 1n
  while (r1 !== 0n) {
    const q = r0 / r1
    const r2 = r0 - q * r1
    r0 = r1; r1 = r2
    const t2 = t0 - q * t1
    t0 = t1; t1 = t2
  }
  return t0 < 0n ? t0 + P : t0
}

/** The Legendre symbol (a / p) by the binary Jacobi algorithm: 1, -1, or 0 for a = 0 mod p. */
function legendreP (a: bigint): number {
  let n = P
  let t = 1
  a %= n
  while (a !== 0n) {
    while ((a & 1n) === 0n) {
      a >>= 1n
      const r = n & 7n
      if (r === 3n || r === 5n) t = -t // (2/n) = -1 for n = 3, 5 mod 8
    }
    const swap = a; a = n; n = swap // quadratic reciprocity
    if ((a & 3n) === 3n && (n & 3n) === 3n) t = -t
    a %= n
  }
  return n === 1n ? t : 0
}

function readU256LE (b: Uint8Array): bigint {
  const v = new DataView(b.buffer, b.byteOffset, 32)
  return v.getBigUint64(0, true) | v.getBigUint64(8, true) << 64n | v.getBigUint64(16, true) << 128n | v.getBigUint64(24, true) << 192n
}

function writeU256LE (x: bigint): Uint8Array {
  const out = new Uint8Array(32)
  const v = new DataView(out.buffer)
  const m = (1n << 64n) - 1n
  for (let i = 0; i < 4; i++) v.setBigUint64(8 * i, (x >> BigInt(64 * i)) & m, true)
  return out
}

/**
 * The X25519 form of an Ed25519 public key: u = (1 + y) / (1 - y) mod p
 * (RFC 7748 §4.1), from y alone, without decompressing the point (x is not
 * needed). Accepts exactly the encodings RFC 8032 §5.1.3 decoding accepts,
 * as @noble/curves' toMontgomery did, and gives the same bytes:
 *  - y >= p is rejected (§5.1.3 step 1);
 *  - y must be the y of a curve point: x^2 = (y^2 - 1) / (d y^2 + 1) has to be
 *    a square mod p (§5.1.3 step 2); checked with a Legendre symbol (binary
 *    Jacobi algorithm) instead of a square root;
 *  - x = 0 (y = +-1) with the sign bit set is rejected (§5.1.3 step 4);
 *  - y = 1 (the neutral element) has no u (1 - y = 0): rejected. y = -1
 *    maps to u = 0, which x25519() then refuses as low order.
 * Any failure is InvalidArgument. About 2.3x faster than toMontgomery
 * (docs/protocol.md §1).
 */
export function ed25519PublicToX25519 (pub: Uint8Array): Uint8Array {
  if (!(pub instanceof Uint8Array) || pub.byteLength !== 32) throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: expected 32 bytes')
  const sign = (pub[31]! & 0x80) !== 0
  const y = readU256LE(pub) & ((1n << 255n) - 1n)
  if (y >= P) throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: y is not reduced mod p')
  const y2 = y * y % P
  const num = modP(y2 - 1n)
  if (legendreP(num * modP(ED_D * y2 + 1n) % P) === -1) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: not a valid point')
  }
  if (num === 0n && sign) throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: x = 0 with the sign bit set')
  if (y === 1n) throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: the neutral element has no X25519 form')
  return writeU256LE(modP(1n + y) * invertModP(modP(1n - y)) % P)
}

