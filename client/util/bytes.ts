// Small byte helpers for the client's JSON storage records.
export function b64 (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

export function unb64 (s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'))
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}
