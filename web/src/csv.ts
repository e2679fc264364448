// CSV in the browser, for the imports page: a file as the user saved it
// (comma, semicolon or tab separated, as Excel in an Indonesian locale
// writes it, RFC 4180 quotes, a byte-order mark) read into rows; the
// columns guessed from their header names; and the file Pelita's import
// routes take (comma separated, the expected header) written back.

/** The separator of a file: the one of `,` `;` `\t` found most often
 * outside quotes on its first line. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch] += 1;
  }
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return n > 0 ? best : ',';
}

/** Rows of fields (RFC 4180: quoted fields may hold the separator, quotes
 * doubled and line breaks); blank lines are skipped, as the services do.
 * `lines`, when given, receives the line (from 1) each row starts on. */
export function parseCsv(text: string, delimiter: string, lines?: number[]): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) {
      rows.push(row);
      lines?.push(rowLine);
    }
    row = [];
    line += 1;
    rowLine = line;
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else {
        field += ch;
        // A line break inside quotes is a line of the file too.
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line += 1;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { endRow(); i++; }
    else if (ch === '\n' || ch === '\r') endRow();
    else field += ch;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** One field as RFC 4180 wants it (quoted when it holds `,` `"` or a line break). */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A header or name compared without case, accents or punctuation:
 * "Nomor Tiket" ~ "nomor_tiket" ~ "NOMOR-TIKET". */
export function normaliseHeader(s: string): string {
  return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ').trim();
}

export interface Target {
  /** The column's name in the file Pelita takes. */
  key: string;
  required: boolean;
  /** Other names a file may give it (compared normalised). */
  synonyms: string[];
}

/** For each of the file's columns, the target it most likely is (or ''),
 * each target at most once: an exact name first, then a synonym, then a
 * header that starts with the name ("M1. Materi sesuai ..."). */
export function guessMapping(headers: string[], targets: Target[]): string[] {
  const out = headers.map(() => '');
  const used = new Set<string>();
  const norm = headers.map(normaliseHeader);
  const passes: ((h: string, t: Target) => boolean)[] = [
    (h, t) => h === normaliseHeader(t.key),
    (h, t) => t.synonyms.some((s) => normaliseHeader(s) === h),
    (h, t) => h.startsWith(`${normaliseHeader(t.key)} `),
  ];
  for (const pass of passes) {
    norm.forEach((h, i) => {
      if (out[i] || !h) return;
      const hit = targets.find((t) => !used.has(t.key) && pass(h, t));
      if (hit) { out[i] = hit.key; used.add(hit.key); }
    });
  }
  return out;
}

/** The file Pelita takes: the mapped columns only, under their expected
 * names, in the file's order; `convert` may rewrite a value (a unit's
 * name to its id). */
export function remap(rows: string[][], mapping: string[], convert?: (key: string, v: string) => string): string {
  const { header, body } = remapRecords(rows, mapping, convert);
  return toCsv([header, ...body]);
}

/** remap's header and records, before they are written as CSV. */
export function remapRecords(rows: string[][], mapping: string[], convert?: (key: string, v: string) => string): { header: string[]; body: string[][] } {
  const cols = mapping.map((k, i) => [k, i] as const).filter(([k]) => k);
  const header = cols.map(([k]) => k);
  const body = rows.map((r) => cols.map(([k, i]) => {
    const v = (r[i] ?? '').trim();
    return convert ? convert(k, v) : v;
  }));
  return { header, body };
}
