// esbuild `inject`: every free `Buffer` in the browser bundle is this one.
export { Buffer } from 'buffer'
