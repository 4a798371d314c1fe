// Moved to protocol/deadline.ts (shared by node/ and client/ through protocol/rpc-pipeline.ts).
export { SharedDeadline } from '../../protocol/deadline.js'
