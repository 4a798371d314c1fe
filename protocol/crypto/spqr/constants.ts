// SPQR sizes and limits (docs/protocol.md §4a). KDF labels: SPQR_INFO in
// protocol/constants.ts.

/** SPQR off: state and messages are empty, keys null */
export const SPQR_VERSION_OFF = 0
/** SPQR v1: the ML-KEM-768 braid with the erasure-coded chunks */
export const SPQR_VERSION_V1 = 1
/** the highest version this code speaks */
export const SPQR_VERSION_MAX = SPQR_VERSION_V1
/** format of a serialized SpqrState (protocol/pb/spqr.proto) */
export const SPQR_STATE_FORMAT = 1

export const SPQR_AUTH_KEY_BYTES = 32
export const SPQR_KEY_BYTES = 32
export const SPQR_MAC_BYTES = 32
export const MLKEM768_EK_BYTES = 1184
export const MLKEM768_DK_BYTES = 2400
export const MLKEM768_CT_BYTES = 1088
export const MLKEM768_SEED_BYTES = 64
/** what the ek sender chunks out: ek || MAC */
export const SPQR_EK_MESSAGE_BYTES = MLKEM768_EK_BYTES + SPQR_MAC_BYTES
/** what the ct sender chunks out: ct || MAC */
export const SPQR_CT_MESSAGE_BYTES = MLKEM768_CT_BYTES + SPQR_MAC_BYTES

/** chain: refuse a key more than this far ahead of the last one (Signal's max_jump) */
export const SPQR_MAX_JUMP = 25_000
/** chain: keep skipped keys back to ctr - this (Signal's max_ooo_keys) */
export const SPQR_MAX_OOO_KEYS = 2_000
/** chain: a skipped-key history is trimmed when it holds this many (Signal: max_ooo * 11/10 + 1) */
export const SPQR_TRIM_SIZE = Math.floor(SPQR_MAX_OOO_KEYS * 11 / 10) + 1
/** one stored skipped key: u32be index || 32-byte key */
export const SPQR_HISTORY_ENTRY_BYTES = 4 + SPQR_KEY_BYTES
/** chain links kept: the one before the send epoch, the send epoch and at most two newer */
export const SPQR_MAX_CHAIN_LINKS = 4
/** largest epoch number accepted (a u32 here; each epoch needs >= 73 messages) */
export const SPQR_MAX_EPOCH = 0xffffffff

/** an SPQR message: version byte + SpqrMessageV1 (<= 1 + 6 + 6 + 2 + 4 + 34 = 53 bytes) */
export const MAX_SPQR_MESSAGE_BYTES = 64
/** a serialized SpqrState: two full skipped-key histories (~2 x 79 KB) plus the braid (~5 KB) */
export const MAX_SPQR_STATE_BYTES = 256 * 1024
