/**
 * A QR code as an image the page can show: qrcode-generator (miniprogram_npm) draws it as a GIF
 * data URL, which <image> shows without a canvas, a network or a file.
 */
import qrcode = require('qrcode-generator');

/** Medium error correction: a printed or photographed code still scans. */
function qrOf(content: string) {
  const qr = qrcode(0, 'M');
  qr.addData(content, 'Alphanumeric');
  qr.make();
  return qr;
}

export function qrDataUrl(content: string, cellSize = 8): string {
  return qrOf(content).createDataURL(cellSize, cellSize * 4);
}

/** The code's modules (true: dark), for drawing on a canvas (the certificate picture). */
export function qrModules(content: string): boolean[][] {
  const qr = qrOf(content);
  const count = qr.getModuleCount();
  return Array.from({ length: count }, (_, row) => Array.from({ length: count }, (_, col) => qr.isDark(row, col)));
}
