// Pipelined request/response over one long-lived libp2p stream: the
// transport of /relaymesh/replica/1.1.0 and /relaymesh/client/1.1.0. The
// plumbing is shared with the client and lives, I/O-free, in
// protocol/rpc-pipeline.ts (requests, pending map, frame writer) and
// protocol/frame-reader.ts (bounded reads); a libp2p Stream is its
// FrameStream. This module keeps the names node/ callers import.
export { FrameWriter } from '../../protocol/frame-writer.js'
export { PipelinedChannel, servePipelined, type PipelineServeOptions, type PipelinedChannelOptions } from '../../protocol/rpc-pipeline.js'
