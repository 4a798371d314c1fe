// A QR code of a text (your user id), drawn locally on a canvas (qrcode package, no network).
import QRCode from 'qrcode'
import { h } from './dom.js'

export function qrCanvas (text: string, label: string): HTMLCanvasElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': label, class: 'qr', width: 200, height: 200 })
  QRCode.toCanvas(canvas, text, { errorCorrectionLevel: 'M', margin: 2, width: 200 }).catch(() => {
    canvas.replaceWith(h('p', { role: 'alert' }, 'The QR code could not be drawn.'))
  })
  return canvas
}
