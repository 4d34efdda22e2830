import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A page rendered by poppler's pdftoppm as 8-bit grey (PGM). */
export interface GreyPage {
  width: number;
  height: number;
  /** 0 = black, 255 = white, row by row. */
  pixels: Buffer;
  dpi: number;
}

/**
 * Renders every page of `pdf` with `pdftoppm -gray` (apt: poppler-utils), the way a
 * printer driver would, and returns the pixels. Also writes a PNG of the first page to
 * `pngOut` when asked (the README's picture of a card sheet).
 */
export function renderPdf(pdf: Buffer, dpi = 36, pngOut?: string): GreyPage[] {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-render-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', ['-gray', '-r', String(dpi), join(dir, 'in.pdf'), join(dir, 'page')]);
    if (pngOut) {
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '100',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        join(dir, 'in.pdf'),
        pngOut.replace(/\.png$/, ''),
      ]);
    }
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.pgm'))
      .sort();
    return files.map((f) => parsePgm(readFileSync(join(dir, f)), dpi));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text poppler extracts (pdftotext), page by page. */
export function pdfText(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-text-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', join(dir, 'in.pdf'), '-'], { encoding: 'utf8' }).split('\f');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parsePgm(buf: Buffer, dpi: number): GreyPage {
  // "P5\n<w> <h>\n255\n" then the bytes.
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('not a binary PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, dpi, pixels: buf.subarray(header[0].length, header[0].length + width * height) };
}

/** Share of dark pixels in a rectangle given in PDF points (1/72 in) from the top left. */
export function darkShare(page: GreyPage, x: number, y: number, w: number, h: number): number {
  const s = page.dpi / 72;
  const [x0, y0, x1, y1] = [x, y, x + w, y + h].map((v) => Math.round(v * s));
  let dark = 0;
  let all = 0;
  for (let py = y0; py < y1; py++) {
    for (let px = x0; px < x1; px++) {
      all++;
      if (page.pixels[py * page.width + px] < 128) dark++;
    }
  }
  return all ? dark / all : 0;
}
