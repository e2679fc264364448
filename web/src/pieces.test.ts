import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { ApiError } from './errors';
import { addPiece, pieceAt, recordsOf, sendPieces, splitRecords, startProgress, type ImportResult } from './pieces';

const header = ['nip', 'name', 'unit'];
const body = Array.from({ length: 50 }, (_, i) => [`1990010120150310${String(i).padStart(2, '0')}`, `Pegawai ${i}`, 'dukcapil']);
// A record with a quoted line break and a comma: still one record, never cut.
body[7] = ['199001012015031007', 'Nama, dengan\nbaris baru', 'dukcapil'];
const records = recordsOf(header, body);
const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('splitting at record boundaries', () => {
  it('repeats the header, keeps every record whole and in order, each piece within the size', () => {
    const max = 300;
    const pieces = splitRecords(records, max);
    expect(pieces.length).toBeGreaterThan(3);
    const back: string[][] = [];
    let next = 0;
    for (const p of pieces) {
      expect(p.start).toBe(next);
      next += p.count;
      expect(bytes(p.text)).toBeLessThanOrEqual(max);
      const [h, ...rows] = parseCsv(p.text, ',');
      expect(h).toEqual(header);
      expect(rows).toHaveLength(p.count);
      back.push(...rows);
    }
    expect(back).toEqual(body);
  });
  it('sends a record longer than the size alone', () => {
    const big = recordsOf(header, [['1', 'x'.repeat(500), 'u'], ['2', 'b', 'u']]);
    expect(splitRecords(big, 100).map((p) => p.count)).toEqual([1, 1]);
  });
  it('a file without records is one piece of its header', () => {
    const none = recordsOf(header, []);
    expect(splitRecords(none, 100)).toEqual([{ start: 0, count: 0, text: 'nip,name,unit\r\n' }]);
  });
});

describe('renumbering a piece\'s answer as the file', () => {
  it('offsets rows by the piece\'s first record and takes the file\'s lines', () => {
    const lines = body.map((_, i) => 2 + i + (i > 7 ? 1 : 0));  // record 9 (index 7) spans two lines
    const piece: ImportResult = { state: 'COMPLETE', recordsRead: '5', acceptedCount: '3', unchangedCount: '1', replacedCount: '0', rejectedCount: '1',
      rejected: [{ row: '3', line: '3', column: 1, field: 'nip', code: 'INVALID_NIP' }] };
    const total = addPiece(addPiece(startProgress(50).result, { ...piece, rejected: [] }, 0, lines), piece, 10, lines);
    expect(total).toMatchObject({ recordsRead: '10', acceptedCount: '6', unchangedCount: '2', rejectedCount: '2', state: 'COMPLETE' });
    // The piece's record 3 is its second data record: the file's record 13
    // (data index 11), which starts on line 14 of the file.
    expect(total.rejected).toEqual([{ row: '13', line: '14', column: 1, field: 'nip', code: 'INVALID_NIP' }]);
  });
  it('a STOPPED piece says where in the file', () => {
    const total = addPiece(startProgress(50).result, { state: 'STOPPED', stop: { reason: 'INVALID_ENCODING', record: '4', line: '4' },
      recordsRead: '2', acceptedCount: '2' }, 20);
    expect(total.state).toBe('STOPPED');
    expect(total.stop).toMatchObject({ reason: 'INVALID_ENCODING', record: '24' });
  });
});

/** A service that imports pieces as the contract says: counts and rejects
 * NIPs ending in 3, remembers what it stored (a re-run counts unchanged). */
function service(opts: { limit?: number; failAt?: number[]; stopAt?: number } = {}) {
  const stored = new Set<string>();
  const sent: string[] = [];
  let calls = 0;
  const send = async (text: string): Promise<ImportResult> => {
    calls += 1;
    sent.push(text);
    if (opts.failAt?.includes(calls)) throw new ApiError(0, 'UNAVAILABLE', '', [], {}, undefined, 'network');
    if (opts.limit && bytes(text) > opts.limit) throw new ApiError(413, 'INVALID_ARGUMENT', '', [], {}, undefined, 'too large');
    const [, ...rows] = parseCsv(text, ',');
    const out = { state: 'COMPLETE', recordsRead: 0, acceptedCount: 0, unchangedCount: 0, replacedCount: 0, rejectedCount: 0, rejected: [] as { row: string; code: string }[] };
    for (const [i, r] of rows.entries()) {
      if (opts.stopAt !== undefined && r[0] === body[opts.stopAt][0]) {
        return { ...str(out), state: 'STOPPED', stop: { reason: 'MALFORMED_QUOTE', record: String(i + 2), line: String(i + 2) } };
      }
      out.recordsRead += 1;
      if (r[0].endsWith('3')) { out.rejectedCount += 1; out.rejected.push({ row: String(i + 2), code: 'INVALID_NIP' }); }
      else if (stored.has(r[0])) out.unchangedCount += 1;
      else { stored.add(r[0]); out.acceptedCount += 1; }
    }
    return str(out);
  };
  const str = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) as ImportResult;
  return { send, sent, stored, calls: () => calls };
}

describe('sending the pieces', () => {
  const rejectedRows = body.map((r, i) => [r[0], i + 2] as const).filter(([nip]) => nip.endsWith('3')).map(([, row]) => String(row));

  it('sends them one after another and answers for the whole file', async () => {
    const s = service();
    const p = await sendPieces(records, s.send, startProgress(body.length, 400));
    expect(s.sent.length).toBe(splitRecords(records, 400).length);
    expect(s.sent.length).toBeGreaterThan(2);
    expect(p).toMatchObject({ done: 50, pieces: s.sent.length, failed: undefined });
    expect(p.result).toMatchObject({ state: 'COMPLETE', recordsRead: '50', acceptedCount: String(50 - rejectedRows.length), rejectedCount: String(rejectedRows.length) });
    expect(p.result.rejected?.map((e) => e.row)).toEqual(rejectedRows);
  });

  it('splits again when the gateway says a piece is too large (413)', async () => {
    const s = service({ limit: 250 });
    const p = await sendPieces(records, s.send, startProgress(body.length, 1 << 20));
    expect(bytes(s.sent[0])).toBeGreaterThan(250);
    expect(p.maxBytes).toBeLessThanOrEqual(250 * 2);
    expect(p.result).toMatchObject({ recordsRead: '50', acceptedCount: String(50 - rejectedRows.length) });
    expect(p.result.rejected?.map((e) => e.row)).toEqual(rejectedRows);
  });

  it('goes on after a piece cut by the upload limit (STOPPED UPLOAD_TOO_LARGE) from the first record not read', async () => {
    const s = service();
    const cut = async (text: string): Promise<ImportResult> => {
      // A gateway that forwards 300 bytes of a chunked upload: the records
      // that fit whole are read, then UPLOAD_TOO_LARGE at the next.
      if (bytes(text) <= 300) return s.send(text);
      let keep = '';
      for (const line of text.split(/(?<=\r\n)/)) { if (bytes(keep + line) > 300) break; keep += line; }
      const part = await s.send(keep);
      const next = String(parseCsv(keep, ',').length + 1);
      return { ...part, state: 'STOPPED', stop: { reason: 'UPLOAD_TOO_LARGE', record: next, line: next } };
    };
    const p = await sendPieces(records, cut, startProgress(body.length, 1 << 20));
    expect(p.result).toMatchObject({ state: 'COMPLETE', recordsRead: '50', acceptedCount: String(50 - rejectedRows.length),
      unchangedCount: '0', rejectedCount: String(rejectedRows.length) });
    expect(p.result.rejected?.map((e) => e.row)).toEqual(rejectedRows);
    expect(p.done).toBe(50);
  });

  it('a STOPPED piece stops the rest and says where in the file', async () => {
    const s = service({ stopAt: 30 });
    const p = await sendPieces(records, s.send, startProgress(body.length, 400));
    expect(p.result.state).toBe('STOPPED');
    expect(p.result.stop?.record).toBe('32');  // data index 30 is the file's record 32
    expect(p.stoppedPiece).toBe(p.pieces);
    expect(p.done).toBeLessThan(50);
    expect(s.stored.has(body[49][0])).toBe(false);
    expect(p.result.recordsRead).toBe('30');
  });

  it('after a failed piece, resumes from it; what it stored before counts as unchanged', async () => {
    const s = service({ failAt: [3] });
    const first = await sendPieces(records, s.send, startProgress(body.length, 400));
    expect(first.failed?.piece).toBe(3);
    const third = pieceAt(records, first.done, 400);
    expect(first.failed?.record).toBe(third.start + 2);
    const done = await sendPieces(records, s.send, first);
    expect(done.failed).toBeUndefined();
    expect(done.done).toBe(50);
    expect(done.result).toMatchObject({ recordsRead: '50', acceptedCount: String(50 - rejectedRows.length), rejectedCount: String(rejectedRows.length) });
    expect(done.result.rejected?.map((e) => e.row)).toEqual(rejectedRows);
  });
});
