// The crypto backend of the Node build (the browser bundle takes crypto-backend.browser.ts).
export { nodeBackend as backend } from './crypto-backend-node.js'
