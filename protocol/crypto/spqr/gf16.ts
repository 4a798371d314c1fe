// GF(2^16) arithmetic for the SPQR erasure code (erasure.ts): elements are
// u16 bit patterns, addition is XOR, multiplication is carry-less
// multiplication reduced by the primitive polynomial
// x^16 + x^12 + x^3 + x + 1 (0x1100b, the one Signal's SPQR uses), done with
// log/antilog tables for the generator x (= 2). Public data only: the tables
// leak nothing, the erasure code carries public ML-KEM keys and ciphertexts.

/** x^16 + x^12 + x^3 + x + 1 */
export const GF16_POLY = 0x1100b
const ORDER = 0xffff // size of the multiplicative group

const EXP = new Uint16Array(2 * ORDER)
const LOG = new Uint16Array(ORDER + 1)

function buildTables (): void {
  let v = 1
  for (let i = 0; i < ORDER; i++) {
    if (i > 0 && v === 1) throw new Error('gf16: 0x1100b is not primitive')
    EXP[i] = v
    EXP[i + ORDER] = v
    LOG[v] = i
    v <<= 1
    if ((v & 0x10000) !== 0) v ^= GF16_POLY
  }
  if (v !== 1) throw new Error('gf16: generator order is not 65535')
}
buildTables()

/** log/antilog tables for hot loops (read only): a*b = GF_EXP[GF_LOG[a] + GF_LOG[b]] for a, b != 0 */
export const GF_EXP: Readonly<Uint16Array> = EXP
export const GF_LOG: Readonly<Uint16Array> = LOG

export function gfMul (a: number, b: number): number {
  if (a === 0 || b === 0) return 0
  return EXP[LOG[a]! + LOG[b]!]!
}

/** a / b; b must not be 0 (callers divide by products of distinct differences) */
export function gfDiv (a: number, b: number): number {
  if (b === 0) throw new RangeError('gf16: division by zero')
  if (a === 0) return 0
  return EXP[LOG[a]! + ORDER - LOG[b]!]!
}

/**
 * Carry-less multiply then reduce, bit by bit: the slow definition, used by
 * the tests to check the tables.
 */
export function gfMulSlow (a: number, b: number): number {
  let acc = 0
  for (let i = 0; i < 16; i++) if (((b >> i) & 1) !== 0) acc ^= a << i
  for (let bit = 31; bit >= 16; bit--) if (((acc >> bit) & 1) !== 0) acc ^= GF16_POLY << (bit - 16)
  return acc
}
