// The web client's entry point: read the node list, show the identity screen
// (unlock, create, or link), then the app.
import { loadConfig } from './app/config.js'
import { identityScreen } from './app/identity-screen.js'
import { Shell } from './app/shell.js'

async function main (): Promise<void> {
  const root = document.getElementById('app')
  if (root === null) return
  let config
  try {
    config = await loadConfig()
  } catch (err) {
    root.textContent = `This page could not read its configuration (${err instanceof Error ? err.message : String(err)}). Start it with \`relaymesh web\`.`
    return
  }
  document.body.dataset.ready = 'identity'
  const client = await identityScreen(root, config)
  const shell = new Shell(root, client, config.nodes.length)
  await shell.start()
  window.addEventListener('pagehide', () => { void client.close() })
}

void main()
