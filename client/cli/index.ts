#!/usr/bin/env node
// The `relaymesh` command: builds the root command and adds the subcommands.
import '../../node/runtime/polyfills.js'
import { Command } from 'commander'

const program = new Command()
  .name('relaymesh')
  .description('relaymesh: a peer-to-peer mesh of relay nodes for end-to-end encrypted messaging')
  .version('0.1.0')

await program.parseAsync(process.argv)
