// Entry of the browser bundle that bench:crypto-browser loads into Chromium.
import { relaymeshRates } from './crypto-rates.js'

(globalThis as unknown as { relaymeshRates: typeof relaymeshRates }).relaymeshRates = relaymeshRates
