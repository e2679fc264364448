// Imports in pieces (issue 16): a large CSV is sent as pieces well under the
// gateway's upload limit, split at record boundaries with the header
// repeated on each, one after another; the answers are combined into one
// ImportResult numbered as the original file (a piece's record r is the
// file's record start + r, its line the line that record starts on in the
// file).  Imports are idempotent (pelita/type/v1/import.proto), so a piece
// sent again after a network failure is safe: its records stored the first
// time count as unchanged.  No DOM here: unit-tested in pieces.test.ts.
import { csvField } from './csv';
import { ApiError } from './errors';
import { toNumber } from './format';
import type { ImportRowError } from './explain';

export interface ImportResult {
  state?: string; stop?: { reason?: string; record?: string; line?: string; column?: number; message?: string };
  recordsRead?: string; acceptedCount?: string; unchangedCount?: string; replacedCount?: string;
  rejectedCount?: string; rejected?: ImportRowError[]; idColumn?: string;
}

/** A piece's size at first: far under the gateway's default upload limit
 * (--max_upload_bytes, 1 GiB) and what a browser sends quickly; a gateway
 * configured lower answers 413 and the piece is split again. */
export const PIECE_BYTES = 4 * 1024 * 1024;
/** The services list at most this many rejected records (import.proto). */
export const MAX_LISTED = 1000;

const encoder = new TextEncoder();
const bytesOf = (s: string) => encoder.encode(s).length;

/** One record as a CSV line (comma separated, RFC 4180, CRLF). */
export const csvLine = (fields: string[]) => `${fields.map(csvField).join(',')}\r\n`;

/** The file to send, as lines: the header and each record's line and size. */
export interface Records { header: string; lines: string[]; sizes: number[] }

export function recordsOf(header: string[], body: string[][]): Records {
  const lines = body.map(csvLine);
  return { header: csvLine(header), lines, sizes: lines.map(bytesOf) };
}

export interface Piece {
  /** The first record's index among the data records (0 = the file's record 2). */
  start: number;
  count: number;
  text: string;
}

/** The piece that starts at data record `start`: the header and as many
 * whole records as fit in `maxBytes` (at least one, however long). */
export function pieceAt(r: Records, start: number, maxBytes: number): Piece {
  let size = bytesOf(r.header);
  let end = start;
  while (end < r.lines.length && (end === start || size + r.sizes[end] <= maxBytes)) {
    size += r.sizes[end];
    end += 1;
  }
  return { start, count: end - start, text: r.header + r.lines.slice(start, end).join('') };
}

/** All pieces at one size (what pieceAt gives one after another). */
export function splitRecords(r: Records, maxBytes: number): Piece[] {
  const out: Piece[] = [];
  for (let s = 0; s < r.lines.length || (s === 0 && out.length === 0);) {
    const p = pieceAt(r, s, maxBytes);
    out.push(p);
    if (p.count === 0) break;
    s += p.count;
  }
  return out;
}

/** The file's record number of a piece's record `row` (header = 1) for a
 * piece starting at data record `start`; and the file line it starts on,
 * from `lines` (the line of each data record) when known. */
export function fileRecord(start: number, row: number): number {
  return start + Math.max(2, row);
}
function fileLine(lines: number[] | undefined, start: number, row: number, line: number): number {
  const i = start + Math.max(2, row) - 2;
  return lines && i < lines.length ? lines[i] : line;
}

const add = (a: string | undefined, b: string | undefined) => String(toNumber(a) + toNumber(b));

/** The combined answer so far plus one piece's answer, renumbered. */
export function addPiece(total: ImportResult, piece: ImportResult, start: number, lines?: number[]): ImportResult {
  const rejected = [...(total.rejected ?? [])];
  for (const e of piece.rejected ?? []) {
    if (rejected.length >= MAX_LISTED) break;
    const row = toNumber(e.row);
    rejected.push({ ...e, row: String(fileRecord(start, row)), line: String(fileLine(lines, start, row, toNumber(e.line))) });
  }
  const out: ImportResult = {
    state: piece.state === 'STOPPED' ? 'STOPPED' : total.state ?? piece.state,
    recordsRead: add(total.recordsRead, piece.recordsRead),
    acceptedCount: add(total.acceptedCount, piece.acceptedCount),
    unchangedCount: add(total.unchangedCount, piece.unchangedCount),
    replacedCount: add(total.replacedCount, piece.replacedCount),
    rejectedCount: add(total.rejectedCount, piece.rejectedCount),
    rejected,
    idColumn: total.idColumn || piece.idColumn,
  };
  if (piece.state === 'STOPPED' && piece.stop) {
    const rec = toNumber(piece.stop.record);
    out.stop = { ...piece.stop, record: String(fileRecord(start, rec)), line: String(fileLine(lines, start, rec, toNumber(piece.stop.line))) };
  }
  return out;
}

/** How far an import in pieces got. */
export interface Progress {
  result: ImportResult;
  /** Data records sent and answered (the next piece starts here). */
  done: number;
  total: number;
  /** Pieces answered so far. */
  pieces: number;
  /** The piece size now (smaller after a 413). */
  maxBytes: number;
  /** Set when a piece failed: its number (from 1), first record of the
   * file, and the error; the import can go on from it (`resume`). */
  failed?: { piece: number; record: number; error: unknown };
  /** Set when a piece answered STOPPED (not for the upload limit): which one. */
  stoppedPiece?: number;
}

export function startProgress(total: number, maxBytes = PIECE_BYTES): Progress {
  return { result: { state: 'COMPLETE', recordsRead: '0', acceptedCount: '0', unchangedCount: '0', replacedCount: '0', rejectedCount: '0', rejected: [] },
    done: 0, total, pieces: 0, maxBytes };
}

const tooLarge = (e: unknown) => e instanceof ApiError && e.status === 413;

/** Sends the pieces from `from.done` on, one after another, and calls
 * `onProgress` after each.  A 413 (the gateway's limit is lower than the
 * piece) halves the piece and sends it again (nothing of it was stored); a
 * STOPPED UPLOAD_TOO_LARGE goes on from the first record not read, with
 * smaller pieces; any other STOPPED ends the import there; a failure ends
 * it with `failed` set, from which it may be resumed. */
export async function sendPieces(r: Records, send: (text: string) => Promise<ImportResult>, from: Progress,
  onProgress: (p: Progress) => void = () => {}, lines?: number[]): Promise<Progress> {
  let p: Progress = { ...from, failed: undefined };
  while (p.done < r.lines.length || (p.pieces === 0 && r.lines.length === 0)) {
    const piece = pieceAt(r, p.done, p.maxBytes);
    let answer: ImportResult;
    try {
      answer = await send(piece.text);
    } catch (e) {
      if (tooLarge(e) && piece.count > 1) {
        p = { ...p, maxBytes: Math.max(1, Math.floor(bytesOf(piece.text) / 2)) };
        continue;
      }
      p = { ...p, failed: { piece: p.pieces + 1, record: fileRecord(piece.start, 2), error: e } };
      onProgress(p);
      return p;
    }
    const cut = answer.state === 'STOPPED' && answer.stop?.reason === 'UPLOAD_TOO_LARGE';
    if (cut && !(piece.count === 1 && toNumber(answer.stop?.record) <= 2)) {
      // Everything before the cut was read and counted: keep it, go on
      // from the first record not read, in smaller pieces.
      const read = Math.max(0, toNumber(answer.stop?.record) - 2);
      const kept = { ...answer, state: 'COMPLETE', stop: undefined };
      p = { ...p, result: addPiece(p.result, kept, piece.start, lines), done: piece.start + read,
        pieces: p.pieces + (read > 0 ? 1 : 0), maxBytes: Math.max(1, Math.floor(Math.min(p.maxBytes, bytesOf(piece.text)) / 2)) };
      onProgress(p);
      continue;
    }
    p = { ...p, result: addPiece(p.result, answer, piece.start, lines), done: piece.start + piece.count, pieces: p.pieces + 1 };
    if (answer.state === 'STOPPED') {
      p = { ...p, stoppedPiece: p.pieces };
      onProgress(p);
      return p;
    }
    onProgress(p);
    if (r.lines.length === 0) break;
  }
  return p;
}
