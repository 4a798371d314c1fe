// The file command's pure parts: --expires durations, and the progress line
// on a terminal, which is cleared before the final "stored" line is printed.
import { strict as assert } from 'node:assert'
import { InvalidArgumentError } from 'commander'
import { parseExpiry, sendWithProgress } from '../../../client/cli/commands/file.js'
import { expandHome } from '../../../client/cli/expand-home.js'

/** a terminal stand-in that records what is written (cli-progress draws with ANSI codes through write) */
function fakeTty (): { stream: NodeJS.WriteStream, written: string[] } {
  const written: string[] = []
  const stream = {
    isTTY: true,
    columns: 100,
    write: (chunk: string): boolean => { written.push(chunk); return true },
    cursorTo: (x: number, _y?: unknown, cb?: () => void): boolean => { written.push(`\x1b[${x + 1}G`); cb?.(); return true },
    clearLine: (_dir: number, cb?: () => void): boolean => { written.push('\x1b[2K'); cb?.(); return true },
    moveCursor: (): boolean => true,
    on: () => stream,
    removeListener: () => stream,
    once: () => stream
  }
  return { stream: stream as unknown as NodeJS.WriteStream, written }
}

describe('relaymesh file: --expires and the progress line', () => {
  it('--expires takes m/h/d durations up to 30 days, or never', () => {
    assert.equal(parseExpiry('never'), 0)
    assert.equal(parseExpiry('24h'), 24 * 3600_000)
    assert.equal(parseExpiry('7d'), 7 * 86_400_000)
    assert.equal(parseExpiry('90m'), 90 * 60_000)
    assert.equal(parseExpiry('30d'), 30 * 86_400_000)
    for (const bad of ['31d', '0h', '1w', '24', 'h', '-1d', '1.5h', ' 1d', '01d']) assert.throws(() => parseExpiry(bad), InvalidArgumentError, bad)
  })

  it('~ expands to the home folder only at the start of a path', () => {
    assert.equal(expandHome('~/a b.txt', '/home/u'), '/home/u/a b.txt')
    assert.equal(expandHome('~', '/home/u'), '/home/u')
    assert.equal(expandHome('/x/~/y', '/home/u'), '/x/~/y')
    assert.equal(expandHome('~other/y', '/home/u'), '~other/y')
  })

  it('on a terminal the progress line is cleared before the result is returned (the stored line is printed on a clean line)', async () => {
    const { stream, written } = fakeTty()
    const result = await sendWithProgress('x.bin', async (onProgress) => {
      for (let i = 0; i <= 4; i++) onProgress({ chunksStored: i, chunks: 4, bytesStored: i * 10, size: 40, sent: i })
      return 'stored'
    }, stream)
    assert.equal(result, 'stored')
    assert.ok(written.some((w) => w.includes('x.bin [')), `the bar was drawn: ${JSON.stringify(written)}`)
    assert.equal(written.at(-1), '\r\x1b[2K', 'the last thing written clears the line')
    const n = written.length
    await new Promise((resolve) => setTimeout(resolve, 250))
    assert.equal(written.length, n, 'nothing redrawn after stop')
  })

  it('on a failure the progress line is cleared too', async () => {
    const { stream, written } = fakeTty()
    await assert.rejects(sendWithProgress('y.bin', async (onProgress) => {
      onProgress({ chunksStored: 1, chunks: 4, bytesStored: 10, size: 40, sent: 1 })
      throw new Error('node gone')
    }, stream), /node gone/)
    assert.equal(written.at(-1), '\r\x1b[2K')
  })
})
