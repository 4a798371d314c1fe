// Which node addresses the client dials on each platform (issue 12): Node
// keeps every configured address; the browser twin keeps only WebSockets
// (/ws, /wss, /tls/ws), since a browser can open nothing else.
import { strict as assert } from 'node:assert'
import * as nodeTwin from '../../client/transport/dialable.js'
import * as browserTwin from '../../client/transport/dialable.browser.js'

const PEER = '/p2p/12D3KooWHFrmLWTTDD4NodngMXvTDzDgBT6qrsLLXLmq6KskVfuA'
const TCP = `/ip4/127.0.0.1/tcp/4001${PEER}`
const WS = `/ip4/127.0.0.1/tcp/4002/ws${PEER}`
const WSS = `/dns4/relay.example/tcp/443/wss${PEER}`
const TLS_WS = `/dns4/relay.example/tcp/443/tls/ws${PEER}`
const MEMORY = `/memory/node-1${PEER}`

describe('dialable node addresses, per platform', () => {
  it('Node keeps every address, in order', () => {
    assert.deepEqual(nodeTwin.dialableNodes([TCP, WS, MEMORY]), [TCP, WS, MEMORY])
    assert.equal(nodeTwin.undialableReason([TCP]), '')
  })

  it('the browser keeps /ws, /wss and /tls/ws only, in order; nonsense is dropped', () => {
    assert.deepEqual(browserTwin.dialableNodes([TCP, WS, MEMORY, WSS, 'not a multiaddr', TLS_WS, '/ip4/127.0.0.1/tcp/80/http']), [WS, WSS, TLS_WS])
    assert.match(browserTwin.undialableReason([TCP]), /\/ws or \/wss/)
  })

  it('both twins export the same names', () => {
    assert.deepEqual(Object.keys(browserTwin).sort(), Object.keys(nodeTwin).sort())
  })
})
