// The crypto backend of the browser bundle (scripts/web/bundle.mjs picks this twin).
export { nobleBackend as backend } from './crypto-backend-noble.js'
