// The crypto backends of the browser bundle (scripts/web/bundle.mjs picks this twin).
export { nobleBackend as backend } from './crypto-backend-noble.js'
export { nobleMlKem as mlkemBackend } from './crypto-backend-noble-ml-kem.js'
