import PDFDocument from 'pdfkit';
import { create as createQr } from 'qrcode';
import { CardText } from './card-text';

/** One printed card. */
export interface VoucherCard extends CardText {
  code: string;
  venue: string;
  /** Opens the portal with the code filled in. */
  url: string;
}

export const PAPER_SIZES = ['A4', 'LETTER'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

/** Points (1/72 in). A4 and Letter both take 2 × 5 cards of this size with room to cut. */
const PAGE: Record<PaperSize, [number, number]> = { A4: [595.28, 841.89], LETTER: [612, 792] };
export const COLUMNS = 2;
export const ROWS = 5;
export const CARDS_PER_PAGE = COLUMNS * ROWS;
const CARD_W = 270;
const CARD_H = 148;
const PAD = 10;
const QR_SIZE = 96;

/**
 * Where each card of a page sits: a grid centred on the paper, so a guillotine cut along the
 * (light grey) borders works for both sizes. Pure, for the tests and the renderer.
 */
export function cardOrigins(size: PaperSize): { x: number; y: number }[] {
  const [w, h] = PAGE[size];
  const x0 = (w - COLUMNS * CARD_W) / 2;
  const y0 = (h - ROWS * CARD_H) / 2;
  const out: { x: number; y: number }[] = [];
  for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLUMNS; c++) out.push({ x: x0 + c * CARD_W, y: y0 + r * CARD_H });
  return out;
}

/** Where a card's QR code sits, from the card's origin (the render check in the tests looks there). */
export function qrBox(origin: { x: number; y: number }): { x: number; y: number; size: number } {
  return { x: origin.x + CARD_W - PAD - QR_SIZE, y: origin.y + (CARD_H - QR_SIZE) / 2, size: QR_SIZE };
}

export const pageCount = (cards: number) => Math.max(1, Math.ceil(cards / CARDS_PER_PAGE));

/**
 * The cards as a PDF. QR codes are drawn as vector squares (a run of dark modules in a row
 * is one rectangle), not embedded images: no PNG encoding per card, sharp at any printer
 * resolution, and 10,000 cards render in seconds. Standard PDF fonts only (nothing embedded):
 * text outside Latin-1 prints as `?`, which is why the code alphabet is ASCII.
 */
export function renderCardsPdf(cards: VoucherCard[], size: PaperSize = 'A4'): Promise<Buffer> {
  const doc = new PDFDocument({
    size: PAGE[size],
    margin: 0,
    autoFirstPage: false,
    info: { Title: 'Vouchers', Producer: 'radius-backend' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const origins = cardOrigins(size);
  if (cards.length === 0) doc.addPage();
  cards.forEach((card, i) => {
    if (i % CARDS_PER_PAGE === 0) doc.addPage();
    const { x, y } = origins[i % CARDS_PER_PAGE];
    drawCard(doc, card, x, y);
  });
  doc.end();
  return done;
}

function drawCard(doc: PDFKit.PDFDocument, card: VoucherCard, x: number, y: number): void {
  doc
    .lineWidth(0.5)
    .strokeColor('#bbbbbb')
    .rect(x + 2, y + 2, CARD_W - 4, CARD_H - 4)
    .stroke();
  const textW = CARD_W - QR_SIZE - 3 * PAD;
  let ty = y + PAD + 2;
  const line = (text: string, font: string, sizePt: number, color = '#000000', gap = 3) => {
    doc
      .font(font)
      .fontSize(sizePt)
      .fillColor(color)
      .text(text, x + PAD, ty, { width: textW, lineBreak: false, ellipsis: true });
    ty += sizePt + gap;
  };
  line(card.venue, 'Helvetica-Bold', 10, '#444444', 5);
  line(card.plan, 'Helvetica-Bold', 12, '#000000', 4);
  line(card.validity, 'Helvetica', 8);
  line(card.data, 'Helvetica', 8);
  line(card.time, 'Helvetica', 8);
  if (card.price) line(card.price, 'Helvetica', 8);
  // The code last and large, where a thumb does not cover it.
  doc
    .font('Helvetica')
    .fontSize(7)
    .fillColor('#666666')
    .text('Voucher code', x + PAD, y + CARD_H - PAD - 34, { lineBreak: false });
  doc
    .font('Courier-Bold')
    .fontSize(codeSize(card.code))
    .fillColor('#000000')
    .text(card.code, x + PAD, y + CARD_H - PAD - 24, { lineBreak: false });
  const qr = qrBox({ x, y });
  drawQr(doc, card.url, qr.x, qr.y);
}

/** Courier is 0.6 em wide: shrink long codes to fit the text column. */
function codeSize(code: string): number {
  return Math.min(18, Math.floor((CARD_W - QR_SIZE - 3 * PAD - 8) / (code.length * 0.62)));
}

/**
 * A fixed mask pattern: any of the eight is a valid QR code, and choosing the "best" one
 * (the library's default) scores all eight and costs 3-4 times as much per card.
 */
const QR_OPTIONS = { errorCorrectionLevel: 'M', maskPattern: 2 } as const;

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number): void {
  const qr = createQr(text, QR_OPTIONS);
  const n = qr.modules.size;
  const m = QR_SIZE / n;
  const data = qr.modules.data;
  const ops: string[] = [];
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!data[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && data[r * n + c]) c++;
      // A hair of overlap so no white seam shows between rows on screen.
      ops.push(`${f(x + start * m)} ${f(y + r * m)} ${f((c - start) * m)} ${f(m + 0.05)} re`);
    }
  }
  // Straight into the content stream: pdfkit's rect() per run costs more than the QR itself.
  doc.fillColor('#000000');
  doc.addContent(ops.join('\n'));
  doc.fill();
}

const f = (v: number) => v.toFixed(2);
