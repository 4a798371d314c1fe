// The RelaymeshError code a synchronous call fails with (undefined when it
// succeeds); anything but a RelaymeshError is re-thrown so the test fails.
import { RelaymeshError, type ErrorCode } from '../../protocol/errors.js'

export function codeOf (fn: () => unknown): ErrorCode | undefined {
  try {
    fn()
  } catch (err) {
    if (RelaymeshError.is(err)) return err.code
    throw err
  }
  return undefined
}
