// The static server behind `relaymesh web`: only files under its root, with
// the right types and a strict CSP; nothing else (no listing, no traversal,
// no bodies, no methods but GET/HEAD, bounded URLs).
import { strict as assert } from 'node:assert'
import { request } from 'node:http'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { contentSecurityPolicy, requestPath, startStaticServer, type StaticServer } from '../../client/cli/web/static-server.js'
import { webNodes } from '../../client/cli/web/web-nodes.js'
import { pickWebSocketAddress, webSocketOrigin } from '../../client/cli/web/ws-address.js'
import { parseListen } from '../../client/cli/commands/web.js'
import { removeDir, tempDir } from '../helpers/mesh.js'

const PEER = '12D3KooWGzBsvVdG2WkLjDzJvLwXyJ7Qn1fP1kDdV5k3YqXbq6sP'
const WS_NODE = `/ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`

interface Reply { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** a raw request: the path is sent exactly as given (no client-side normalising) */
async function raw (server: StaticServer, path: string, method = 'GET', body?: string): Promise<Reply> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: body !== undefined ? { 'Content-Length': String(body.length) } : {} }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => { text += d.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('relaymesh web: static server', function () {
  let dir: string
  let server: StaticServer

  before(async () => {
    dir = tempDir('relaymesh-web-')
    const root = join(dir, 'web')
    mkdirSync(join(root, 'sub'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>')
    writeFileSync(join(root, 'app.js'), 'console.log(1)')
    writeFileSync(join(root, 'style.css'), 'body{}')
    writeFileSync(join(root, 'sub', 'x.js'), '1')
    writeFileSync(join(root, '.secret.js'), 'hidden')
    writeFileSync(join(root, 'data.bin'), 'bin')
    writeFileSync(join(dir, 'outside.js'), 'SECRET OUTSIDE')
    symlinkSync(join(dir, 'outside.js'), join(root, 'link.js'))
    server = await startStaticServer({ root, host: '127.0.0.1', port: 0, config: { nodes: [WS_NODE] } })
  })
  after(async () => {
    await server?.close()
    removeDir(dir)
  })

  it('serves the page, the bundle and the stylesheet with their types and a strict CSP naming the nodes\' sockets', async () => {
    const page = await raw(server, '/')
    assert.equal(page.status, 200)
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    const csp = String(page.headers['content-security-policy'])
    assert.match(csp, /default-src 'none'/)
    assert.match(csp, /script-src 'self'(;|$)/)
    assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:4002(;|$)/)
    assert.equal(page.headers['x-content-type-options'], 'nosniff')
    assert.equal((await raw(server, '/app.js')).headers['content-type'], 'text/javascript; charset=utf-8')
    assert.equal((await raw(server, '/style.css?v=1')).headers['content-type'], 'text/css; charset=utf-8')
    assert.equal((await raw(server, '/sub/x.js')).status, 200)
    const head = await raw(server, '/app.js', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
  })

  it('serves /config.json with the node list', async () => {
    const r = await raw(server, '/config.json')
    assert.equal(r.status, 200)
    assert.deepEqual(JSON.parse(r.body), { nodes: [WS_NODE] })
    assert.equal(r.headers['cache-control'], 'no-store')
  })

  it('refuses paths outside the root, dot files, symlinks out, directories and unknown types', async () => {
    for (const path of ['/../outside.js', '/sub/../../outside.js', '/%2e%2e/outside.js', '/..%2foutside.js', '/sub%2f..%2f..%2foutside.js', '/%2E%2E%5Coutside.js', '/..\\outside.js', '/a%00.js', '/%zz']) {
      const r = await raw(server, path)
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`)
      assert.doesNotMatch(r.body, /SECRET OUTSIDE/)
    }
    assert.equal((await raw(server, '/link.js')).status, 404, 'a symlink leading out of the root')
    assert.equal((await raw(server, '/.secret.js')).status, 400, 'dot files')
    assert.equal((await raw(server, '/sub')).status, 404, 'no directory listing')
    assert.equal((await raw(server, '/sub/')).status, 404, 'no directory listing')
    assert.equal((await raw(server, '/data.bin')).status, 404, 'unknown types are not served')
    assert.equal((await raw(server, 'http://evil.example/app.js')).status, 400, 'absolute-form URLs')
  })

  it('answers only GET and HEAD, without bodies, with bounded URLs', async () => {
    const post = await raw(server, '/app.js', 'POST', 'x=1')
    assert.equal(post.status, 405)
    assert.equal(post.headers.allow, 'GET, HEAD')
    assert.equal((await raw(server, '/app.js', 'GET', 'body')).status, 413)
    assert.equal((await raw(server, '/' + 'a'.repeat(3000) + '.js')).status, 414)
  })

  it('parses request paths strictly', () => {
    assert.equal(requestPath('/a/b.js?x#y'), '/a/b.js')
    assert.equal(requestPath('/a%20b.js'), '/a b.js')
    assert.equal(requestPath('/a/../b.js'), undefined)
    assert.equal(requestPath('/a/./b.js'), undefined)
    assert.equal(requestPath('a.js'), undefined)
  })

  it('names only WebSocket origins in connect-src; a TCP --node gets a one-line note', async () => {
    assert.equal(webSocketOrigin(WS_NODE), 'ws://127.0.0.1:4002')
    assert.equal(webSocketOrigin(`/ip6/::1/tcp/9/ws/p2p/${PEER}`), 'ws://[::1]:9')
    assert.equal(webSocketOrigin(`/dns4/relay.example/tcp/443/wss/p2p/${PEER}`), 'wss://relay.example:443')
    assert.equal(webSocketOrigin(`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`), undefined)
    assert.equal(contentSecurityPolicy([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`]).includes('4001'), false)
    const tcp = `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`
    const silent = await webNodes([tcp, WS_NODE], async () => new Map())
    assert.deepEqual(silent.nodes, [WS_NODE])
    assert.equal(silent.notes.length, 1)
    assert.match(silent.notes[0] ?? '', /TCP address: a browser needs the node's \/ws address; the node did not answer/)
    const answered = await webNodes([tcp], async () => new Map([[tcp, WS_NODE]]))
    assert.deepEqual(answered.nodes, [WS_NODE])
    assert.match(answered.notes[0] ?? '', /using .*\/ws\/p2p\/.* which the node reports/)
    assert.equal(pickWebSocketAddress(['/ip4/10.0.0.5/tcp/4002/ws', '/ip4/127.0.0.1/tcp/4002/ws'], PEER, tcp), `/ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`)
  })

  it('parses --listen HOST:PORT (port 0 allowed)', () => {
    assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 })
    assert.deepEqual(parseListen('[::1]:8080'), { host: '::1', port: 8080 })
    assert.throws(() => parseListen('8080'))
    assert.throws(() => parseListen('host:70000'))
  })
})
