// Fewer yamux window updates on long-lived streams. @libp2p/yamux (8.x)
// answers every data frame it receives with a WINDOW_UPDATE frame (one
// more Noise encryption and socket write on this side, one more decryption
// and frame on the other: 12-21 % of a relay's CPU, shared/NOTES.md). The
// yamux spec lets a receiver grant window whenever it likes; go-yamux and
// rust-yamux grant it once half the window is used. lazyWindowUpdates()
// makes a yamux stream do the same: the sender always keeps at least half a
// window (128 KiB by default) to write into, so it never waits on us, and a
// stream of small frames sends one update per ~half window instead of one
// per frame. lazyYamux() does it for every stream of a host (the node's and
// the clients' hosts use it: gossipsub, identify and kad-dht streams too).
// Pure: it only adjusts objects shaped like @libp2p/yamux's, and leaves any
// other stream (another muxer, a test double) as it is.

/** The parts of @libp2p/yamux's YamuxStream this module reads and wraps (its internals, checked at run time). */
interface YamuxStreamLike {
  sendWindowUpdate: () => void
  recvWindow: number
  recvWindowCapacity: number
  state: number
}

/** YamuxStream's StreamState.Established: a stream past its SYN/ACK exchange (earlier updates carry those flags). */
const ESTABLISHED = 3
const PATCHED = Symbol.for('relaymesh.lazyWindowUpdates')

function isYamuxStream (s: unknown): s is YamuxStreamLike {
  const y = s as Partial<YamuxStreamLike> | null
  return y !== null && typeof y === 'object' && typeof y.sendWindowUpdate === 'function' &&
    typeof y.recvWindow === 'number' && typeof y.recvWindowCapacity === 'number' && typeof y.state === 'number'
}

/**
 * Let `stream` (a yamux stream) grant its peer more receive window only once
 * at least half of it is used, instead of after every data frame. Returns
 * whether the stream was a yamux stream (and is now lazy); anything else is
 * left untouched. Idempotent.
 */
export function lazyWindowUpdates (stream: unknown): boolean {
  if (!isYamuxStream(stream)) return false
  const s = stream as YamuxStreamLike & { [PATCHED]?: true }
  if (s[PATCHED] === true) return true
  const eager = s.sendWindowUpdate.bind(s)
  s.sendWindowUpdate = function lazySendWindowUpdate (): void {
    // before the stream is established the update carries SYN/ACK flags, and a paused
    // stream's bookkeeping is yamux's own: both go through unchanged
    if (s.state === ESTABLISHED && s.recvWindowCapacity * 2 > s.recvWindow) return
    eager()
  }
  s[PATCHED] = true
  return true
}

/** what a muxer factory's per-connection muxer is read as: @libp2p/yamux's YamuxMuxer creates every stream, inbound and outbound, in _newStream */
interface MuxerLike { _newStream?: (...args: unknown[]) => unknown }

/**
 * Wrap a stream muxer factory (`yamux()` from @libp2p/yamux) so that every
 * stream of every connection it muxes is lazy (lazyWindowUpdates): gossipsub's,
 * identify's and kad-dht's streams too, not only the ones relaymesh opens and
 * handles itself. A muxer without YamuxMuxer's `_newStream` is left as it is.
 */
export function lazyYamux<F extends (components: any) => unknown> (factory: F): F {
  const wrapped = (components: unknown): unknown => {
    const muxerFactory = factory(components) as { createStreamMuxer?: (...args: unknown[]) => unknown }
    if (typeof muxerFactory?.createStreamMuxer !== 'function') return muxerFactory
    const create = muxerFactory.createStreamMuxer.bind(muxerFactory)
    muxerFactory.createStreamMuxer = (...args: unknown[]): unknown => {
      const muxer = create(...args) as MuxerLike
      if (typeof muxer?._newStream === 'function') {
        const newStream = muxer._newStream.bind(muxer)
        muxer._newStream = (...a: unknown[]): unknown => {
          const stream = newStream(...a)
          lazyWindowUpdates(stream)
          return stream
        }
      }
      return muxer
    }
    return muxerFactory
  }
  return wrapped as F
}
