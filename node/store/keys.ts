// Every LevelDB key prefix the node uses, in one place. Keys are strings
// (hex for binary parts) so that ranges sort as the code expects.
export const PREFIX = {
  /** signed records (device lists, bundles, presence): rec!<bucket, 2 hex>!<record key> -> StoredRecord bytes (node/gossip/record-store.ts) */
  record: 'rec!',
  /** signed node records of relays (this node's own included): node!<peer id> -> SignedNodeRecord bytes */
  node: 'node!',
  /** envelopes: env!<mailbox hex>!<envelope id hex> -> Envelope bytes */
  envelope: 'env!',
  /** expiry index: exp!<expires_at, 16 hex digits>!<mailbox hex>!<id hex> -> '' */
  expiry: 'exp!',
  /** per-mailbox usage: mbx!<mailbox hex> -> {count, bytes} */
  mailboxUsage: 'mbx!',
  /** tombstones for acknowledged envelopes (so a late replica write does not resurrect them): ack!<mailbox hex>!<id hex> -> expires_at */
  ack: 'ack!',
  /** the device acknowledgements tombstones refer to: akp!<mailbox hex>!<sha256 of the AckProof, hex> -> expires_at (u64 BE) || AckProof bytes */
  ackProof: 'akp!',
  /** one-time prekeys: otk!<mailbox hex>!<key id, 8 hex digits> -> OneTimePreKey bytes */
  oneTimePreKey: 'otk!',
  /** spent one-time prekey ids: otw!<mailbox hex> -> u32 BE highest id handed out || f64 BE last activity, ms (node/prekeys/prekey-store.ts) */
  oneTimePreKeySpent: 'otw!',
  /** when this node first saw each relay admitted with its node id (node/relays/stability.ts): seen!<peer id> -> JSON */
  nodeSeen: 'seen!',
  /** node metadata (counters, schema version): meta!<name> */
  meta: 'meta!'
} as const

/** Upper bound for a prefix range scan: every key starting with `prefix` is < rangeEnd(prefix). */
export function rangeEnd (prefix: string): string {
  return prefix + '\xff'
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function fromHex (s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'))
}
