#!/usr/bin/env node
// The `relaymesh` command: builds the root command and adds the subcommands.
import '../../node/runtime/polyfills.js'
import { Command } from 'commander'
import { nodeCommand } from '../../node/cli/node-command.js'

const program = new Command()
  .name('relaymesh')
  .description('relaymesh: a peer-to-peer mesh of relay nodes for end-to-end encrypted messaging')
  .version('0.1.0')

program.addCommand(nodeCommand())

try {
  await program.parseAsync(process.argv)
} catch (err) {
  // one place turns errors into a message and a non-zero exit, never a stack trace
  const code = (err as { code?: unknown }).code
  process.stderr.write(`relaymesh: ${err instanceof Error ? err.message : String(err)}${typeof code === 'string' && code.startsWith('ERR_') ? ` (${code})` : ''}\n`)
  process.exitCode = 1
}
