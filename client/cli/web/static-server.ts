// The static server behind `relaymesh web`: GET/HEAD of the built app's files
// (dist/web) and /config.json (the relay nodes the page attaches to). Nothing
// else: no directory listing, no path outside the root (also through
// symlinks), no request bodies, bounded URLs and times. The page talks to relay
// nodes over libp2p WebSockets only, so this server sees static file requests
// and nothing of what people write.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import {
  HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_REQUESTS_PER_SOCKET, MAX_SERVED_FILE_BYTES,
  MAX_URL_BYTES, MIME_TYPES, REQUEST_TIMEOUT_MS
} from './constants.js'
import { webSocketOrigin } from './ws-address.js'

export interface WebConfig {
  /** relay node multiaddrs the page dials (their /ws addresses), in order */
  nodes: string[]
}

export interface StaticServer {
  url: string
  port: number
  close: () => Promise<void>
}

/** The Content-Security-Policy of every response: our own scripts and styles only; sockets only to the nodes. */
export function contentSecurityPolicy (nodes: string[]): string {
  const sockets = [...new Set(nodes.map(webSocketOrigin).filter((o): o is string => o !== undefined))]
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self'${sockets.length > 0 ? ' ' + sockets.join(' ') : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'"
  ].join('; ')
}

function baseHeaders (csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-cache'
  }
}

/** Serve `root` on host:port (port 0: any free port). */
export async function startStaticServer (options: { root: string, host: string, port: number, config: WebConfig }): Promise<StaticServer> {
  const root = await realpath(resolve(options.root))
  const csp = contentSecurityPolicy(options.config.nodes)
  const configBody = Buffer.from(JSON.stringify({ nodes: options.config.nodes }) + '\n')
  const server = createServer((req, res) => {
    handle(req, res, root, csp, configBody).catch(() => { fail(res, 500, csp) })
  })
  server.headersTimeout = HEADERS_TIMEOUT_MS
  server.requestTimeout = REQUEST_TIMEOUT_MS
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET
  server.maxHeadersCount = 64
  await listen(server, options.host, options.port)
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((done) => { server.close(() => { done() }) })
    }
  }
}

async function listen (server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((done, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); done() })
  })
}

function fail (res: ServerResponse, status: number, csp: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) { res.destroy(); return }
  const body = `${status}\n`
  res.writeHead(status, { ...baseHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), ...extra })
  res.end(body)
}

async function handle (req: IncomingMessage, res: ServerResponse, root: string, csp: string, configBody: Buffer): Promise<void> {
  const method = req.method ?? ''
  if (method !== 'GET' && method !== 'HEAD') { fail(res, 405, csp, { Allow: 'GET, HEAD' }); return }
  const rawUrl = req.url ?? '/'
  if (Buffer.byteLength(rawUrl) > MAX_URL_BYTES) { fail(res, 414, csp); return }
  // no bodies: a GET that announces one is not ours
  if ((req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined) { fail(res, 413, csp); return }
  const path = requestPath(rawUrl)
  if (path === undefined) { fail(res, 400, csp); return }
  if (path === '/config.json') {
    send(res, method, csp, 200, { 'Content-Type': MIME_TYPES['.json'] ?? 'application/json', 'Cache-Control': 'no-store' }, configBody)
    return
  }
  const file = await resolveFile(root, path === '/' ? '/index.html' : path)
  if (file === undefined) { fail(res, 404, csp); return }
  const type = MIME_TYPES[extname(file.path).toLowerCase()]
  if (type === undefined) { fail(res, 404, csp); return }
  res.writeHead(200, { ...baseHeaders(csp), 'Content-Type': type, 'Content-Length': String(file.size) })
  if (method === 'HEAD') { res.end(); return }
  const stream = createReadStream(file.path)
  stream.on('error', () => { res.destroy() })
  stream.pipe(res)
}

function send (res: ServerResponse, method: string, csp: string, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...baseHeaders(csp), ...headers, 'Content-Length': String(body.byteLength) })
  res.end(method === 'HEAD' ? undefined : body)
}

/** The decoded path of a request URL; undefined for anything odd (encoded slashes or NULs, dot segments, backslashes). */
export function requestPath (rawUrl: string): string | undefined {
  if (!rawUrl.startsWith('/')) return undefined
  const raw = rawUrl.split(/[?#]/, 1)[0] ?? '/'
  if (/%2f|%5c|%00/i.test(raw)) return undefined
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    return undefined
  }
  if (path.includes('\0') || path.includes('\\')) return undefined
  const segments = path.split('/')
  if (segments.some((s) => s === '..' || s === '.' || (s.startsWith('.') && s.length > 0))) return undefined
  return path
}

/** A regular file inside root (after following symlinks), or undefined. */
async function resolveFile (root: string, path: string): Promise<{ path: string, size: number } | undefined> {
  const candidate = resolve(join(root, path))
  if (!candidate.startsWith(root + sep)) return undefined
  let real: string
  try {
    real = await realpath(candidate)
  } catch {
    return undefined
  }
  if (!real.startsWith(root + sep)) return undefined
  const info = await stat(real)
  if (!info.isFile() || info.size > MAX_SERVED_FILE_BYTES) return undefined
  return { path: real, size: info.size }
}
