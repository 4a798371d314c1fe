// A client process that dies the instant its application is handed a
// message: `node receive-then-crash.js HOME PASSPHRASE NODE_ADDRESS`. Used to
// check that a message the application saw is never handed out again after
// a crash (test/client/crash-handout.test.ts).
import '../../node/runtime/polyfills.js'
import { openClient } from '../../client/client.js'

const [home, passphrase, node] = process.argv.slice(2) as [string, string, string]
const client = await openClient({ home, passphrase, nodes: [node] })
await client.connect()
process.stdout.write('ready\n')
await client.receive({
  waitMs: 30_000,
  onMessage: (m) => {
    if (m.system === true) return
    process.stdout.write(`got ${m.text}\n`)
    // the crash lands right after the application saw it: no close, no pending write finished on purpose
    process.kill(process.pid, 'SIGKILL')
  }
})
process.exit(3) // never reached when a message arrived
