// Transport settings shared by the Node and browser client hosts (client-host.ts, client-host.browser.ts).

/**
 * libp2p's connection monitor pings the client's connection to its node this
 * often (libp2p's default, 10 s, was most of what an attached but silent
 * client cost its node: a stream opened and negotiated per ping). A node that
 * vanishes without closing the connection is noticed by the next ping or by
 * the next request's timeout, whichever comes first; the client then attaches
 * elsewhere (connection-manager.ts).
 */
export const CONNECTION_PING_INTERVAL_MS = 60_000
