// Both crypto backends behind the primitives' interface, so that every vector
// test runs against the Node build's (node:crypto) and the browser build's
// (@noble/*) primitives in one run.
import { nobleBackend } from '../../protocol/crypto/crypto-backend-noble.js'
import { nodeBackend } from '../../protocol/crypto/crypto-backend-node.js'
import * as shared from '../../protocol/crypto/primitives.js'

const build = (b: typeof nodeBackend): typeof shared => ({ ...shared, ...shared.primitivesWith(b) })

export const BACKENDS: Array<{ name: string, p: typeof shared }> = [
  { name: 'node', p: build(nodeBackend) },
  { name: 'noble', p: build(nobleBackend) }
]
