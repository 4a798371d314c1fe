// Limits and defaults of `relaymesh web` (the static server for the web client).

export const DEFAULT_WEB_LISTEN = '127.0.0.1:8080'
/** a request URL longer than this is refused (414) */
export const MAX_URL_BYTES = 2048
/** a request must send its headers within this (node:http headersTimeout) */
export const HEADERS_TIMEOUT_MS = 5_000
/** a whole request must end within this (node:http requestTimeout) */
export const REQUEST_TIMEOUT_MS = 15_000
/** idle keep-alive connections are closed after this */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000
/** at most this many requests on one connection */
export const MAX_REQUESTS_PER_SOCKET = 100
/** a served file larger than this is not one of ours (the bundle is a few MiB) */
export const MAX_SERVED_FILE_BYTES = 32 * 1024 * 1024
/** nodes listed in /config.json */
export const MAX_WEB_NODES = 16
/** `node status` is asked this long for a configured node's /ws address */
export const NODE_STATUS_TIMEOUT_MS = 4_000

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json'
}
