#!/usr/bin/env node
// The `relaymesh` command: builds the root command and adds the subcommands.
import '../../node/runtime/polyfills.js'
import { Command } from 'commander'
import { nodeCommand } from '../../node/cli/node-command.js'
import { meshCommand } from '../../node/cli/mesh-command.js'
import { nodeStatusCommand } from './commands/node-status.js'
import { chatCommand } from './chat/chat-command.js'
import { configCommand } from './commands/config.js'
import { contactsCommand } from './commands/contacts.js'
import { idCommand } from './commands/id.js'
import { initCommand } from './commands/init.js'
import { recvCommand } from './commands/recv.js'
import { safetyNumberCommand } from './commands/safety-number.js'
import { sendCommand } from './commands/send.js'
import { groupCommand } from './commands/group.js'
import { devicesCommand } from './commands/devices.js'
import { fileCommand } from './commands/file.js'
import { profileCommand } from './commands/profile.js'
import { requestsCommand } from './commands/requests.js'
import { blockCommand } from './commands/block.js'
import { unblockCommand } from './commands/unblock.js'
import { blockedCommand } from './commands/blocked.js'
import { exportCommand, verifyCommand } from './commands/export.js'
import { channelCommand } from './commands/channel.js'
import { deleteCommand, editCommand } from './commands/edit.js'
import { addClientOptions, addClientOptionsEverywhere } from './session.js'
import { historyCommand } from './commands/history.js'
import { conversationsCommand } from './commands/conversations.js'
import { statusCommand } from './commands/status.js'
import { outboxCommand } from './commands/outbox.js'
import { webCommand } from './commands/web.js'

const program = new Command()
  .name('relaymesh')
  .description('relaymesh: a peer-to-peer mesh of relay nodes for end-to-end encrypted messaging')
  .version('0.1.0')
  // root options only before the subcommand, so `node start --json` keeps its own --json
  .enablePositionalOptions()
addClientOptions(program)

program.addCommand(initCommand())
program.addCommand(idCommand())
program.addCommand(sendCommand())
program.addCommand(recvCommand())
program.addCommand(chatCommand())
program.addCommand(groupCommand())
program.addCommand(devicesCommand())
program.addCommand(fileCommand())
program.addCommand(contactsCommand())
program.addCommand(profileCommand())
program.addCommand(requestsCommand())
program.addCommand(blockCommand())
program.addCommand(unblockCommand())
program.addCommand(blockedCommand())
program.addCommand(channelCommand())
program.addCommand(editCommand()).addCommand(deleteCommand())
program.addCommand(historyCommand())
program.addCommand(conversationsCommand())
program.addCommand(statusCommand())
program.addCommand(outboxCommand())
program.addCommand(safetyNumberCommand())
program.addCommand(exportCommand()).addCommand(verifyCommand())
program.addCommand(configCommand())
program.addCommand(webCommand())
program.addCommand(nodeCommand().addCommand(nodeStatusCommand()))
program.addCommand(meshCommand())

// --home, --node and --json after every client command and subcommand
addClientOptionsEverywhere(program, ['node', 'mesh'])

try {
  await program.parseAsync(process.argv)
} catch (err) {
  // one place turns errors into a message and a non-zero exit, never a stack trace
  const code = (err as { code?: unknown }).code
  process.stderr.write(`relaymesh: ${err instanceof Error ? err.message : String(err)}${typeof code === 'string' && code.startsWith('ERR_') ? ` (${code})` : ''}\n`)
  process.exitCode = 1
}
