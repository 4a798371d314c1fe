// One error base for the whole protocol layer. Callers (and tests) branch on
// `code`, never on the message text.
export enum ErrorCode {
  /** bytes did not decode: malformed, truncated, oversized, wrong version */
  Decode = 'ERR_DECODE',
  /** an argument had the wrong type or length */
  InvalidArgument = 'ERR_INVALID_ARGUMENT',
  /** a signature did not verify */
  BadSignature = 'ERR_BAD_SIGNATURE',
  /** a record is past its expiry */
  Expired = 'ERR_EXPIRED',
  /** a record is older than (or the same as) one already held */
  Stale = 'ERR_STALE',
  /** AEAD authentication failed: tampered, wrong key or wrong associated data */
  DecryptFailed = 'ERR_DECRYPT_FAILED',
  /** a ratchet or sender-key message was already decrypted */
  DuplicateMessage = 'ERR_DUPLICATE_MESSAGE',
  /** a message would need more skipped keys than the bounds allow */
  TooManySkipped = 'ERR_TOO_MANY_SKIPPED',
  /** a prekey named by a message is unknown (used, rotated away or never existed) */
  UnknownPreKey = 'ERR_UNKNOWN_PREKEY',
  /** session, sender key or keystore state is missing or not usable */
  InvalidState = 'ERR_INVALID_STATE',
  /** a passphrase did not open sealed local state */
  WrongPassphrase = 'ERR_WRONG_PASSPHRASE',
  /** the identity behind a message or record is not the expected one */
  UntrustedIdentity = 'ERR_UNTRUSTED_IDENTITY',

  // --- node and client-API errors (travel as `error_code` strings on the wire) ---
  /** a request or frame is larger than its limit */
  TooLarge = 'ERR_TOO_LARGE',
  /** a mailbox or node storage quota is full */
  QuotaExceeded = 'ERR_QUOTA_EXCEEDED',
  /** the client sends faster than its rate limit */
  RateLimited = 'ERR_RATE_LIMITED',
  /** a sealed send names a mailbox no access key covers, and its stamp carries too little work (the answer says how much) */
  StampRequired = 'ERR_STAMP_REQUIRED',
  /** the request needs an attached (authenticated) device */
  Unauthorized = 'ERR_UNAUTHORIZED',
  /** not enough replicas answered to reach the write quorum, or a peer is unreachable */
  Unavailable = 'ERR_UNAVAILABLE',
  /** the thing asked for does not exist */
  NotFound = 'ERR_NOT_FOUND',
  /** a request or record is well-formed but not acceptable (bad field value) */
  Invalid = 'ERR_INVALID',
  /** the operation did not finish in time */
  Timeout = 'ERR_TIMEOUT'
}

export class RelaymeshError extends Error {
  override readonly name: string = 'RelaymeshError'
  readonly code: ErrorCode

  constructor (code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }

  static is (err: unknown, code?: ErrorCode): err is RelaymeshError {
    return err instanceof RelaymeshError && (code === undefined || err.code === code)
  }
}

export function fail (code: ErrorCode, message: string, cause?: unknown): never {
  throw new RelaymeshError(code, message, cause === undefined ? undefined : { cause })
}
