// CSV imports (/impor?jenis=pegawai|pengaduan|jawaban|kinerja|skp): the
// roster (enrolment ImportEmployees), complaints (complaint
// ImportComplaintsCsv, an SP4N-LAPOR! export), survey responses (survey
// ImportResponsesCsv), a unit's monthly service indicators and SKP
// appraisals (performance ImportServiceMonthsCsv, ImportSkpCsv).
// The chosen file is read in the browser (comma, semicolon or tab
// separated), its first rows shown; each of its columns is mapped to the
// column Pelita expects (guessed from the header names, changeable); the
// file is then sent with the expected header, in pieces well under the
// gateway's upload limit (src/pieces.ts: split at record boundaries, the
// header on each, one after another), and one ImportResult shown for the
// whole file: the counts and every rejected row with its row (the file's),
// column and reason in Indonesian.  A piece that fails may be sent again
// (imports are idempotent): the page offers to go on from it.
import { useMemo, useState, type ChangeEvent, type FormEvent } from 'react';
import { lastSegment, listAll, TENANT, uploadCsv } from '../api';
import { importReason } from '../explain';
import { detectDelimiter, guessMapping, normaliseHeader, parseCsv, remapRecords, type Target } from '../csv';
import { ApiError } from '../errors';
import { recordsOf, sendPieces, startProgress, type ImportResult, type Progress, type Records } from '../pieces';
import { formatInteger, toNumber } from '../format';
import { useAction, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { Link, useLocation } from '../router';
import type { Cohort, Program, Unit } from '../types';
import { ErrorBox, Loading, Page, TableWrap } from '../components/ui';
import type { Instrument } from './instruments';

export type ImportKind = 'pegawai' | 'pengaduan' | 'jawaban' | 'kinerja' | 'skp';
const KINDS: ImportKind[] = ['pegawai', 'pengaduan', 'jawaban', 'kinerja', 'skp'];

export type { ImportResult };

const col = (key: string, required: boolean, ...synonyms: string[]): Target => ({ key, required, synonyms });

/** The roster's columns (services/enrolment/README.md). */
const EMPLOYEE_COLUMNS: Target[] = [
  col('nip', true, 'nip baru', 'nomor induk pegawai', 'nip pegawai'),
  col('name', true, 'nama', 'nama lengkap', 'nama pegawai', 'full name'),
  col('unit', true, 'unit kerja', 'opd', 'perangkat daerah', 'instansi', 'kode unit', 'satuan kerja'),
  col('employment_type', true, 'jenis pegawai', 'status pegawai', 'jenis kepegawaian', 'status kepegawaian', 'pns pppk'),
  col('position', false, 'jabatan', 'nama jabatan'),
  col('grade', false, 'golongan', 'gol', 'pangkat golongan', 'golongan ruang'),
  col('supervisor_nip', false, 'nip atasan', 'atasan', 'nip atasan langsung'),
];

/** An SP4N-LAPOR! export's columns (protos/pelita/complaint/v1/CSV.md). */
const COMPLAINT_COLUMNS: Target[] = [
  col('nomor_tiket', true, 'no tiket', 'tiket', 'nomor laporan', 'id laporan', 'kode laporan', 'tracking id'),
  col('kode_instansi', true, 'instansi', 'instansi tujuan', 'unit', 'unit kerja', 'opd', 'instansi terdisposisi'),
  col('status', true, 'status laporan'),
  col('waktu_diterima', true, 'tanggal diterima', 'tanggal laporan', 'waktu lapor', 'tanggal lapor', 'diterima'),
  col('waktu_diverifikasi', false, 'tanggal diverifikasi', 'diverifikasi'),
  col('waktu_diteruskan', false, 'tanggal diteruskan', 'diteruskan', 'tanggal disposisi'),
  col('waktu_ditindaklanjuti', false, 'tanggal ditindaklanjuti', 'ditindaklanjuti', 'tanggal tindak lanjut'),
  col('waktu_selesai', false, 'tanggal selesai', 'selesai'),
  col('waktu_status', false, 'tanggal status'),
  col('sumber', false, 'kanal', 'media', 'sumber laporan'),
  col('klasifikasi', false, 'jenis laporan', 'klasifikasi laporan'),
  col('kategori', false, 'kategori laporan', 'topik'),
  col('judul', false, 'judul laporan', 'perihal', 'ringkasan'),
];

/** A unit's months of service indicators (protos/pelita/performance/v1/CSV.md). */
const BANDS = ['waktu_1j', 'waktu_2j', 'waktu_4j', 'waktu_8j', 'waktu_1h', 'waktu_2h', 'waktu_3h', 'waktu_5h',
  'waktu_7h', 'waktu_14h', 'waktu_30h', 'waktu_lebih_30h'];
const PERFORMANCE_COLUMNS: Target[] = [
  col('unit', true, 'unit kerja', 'opd', 'perangkat daerah', 'instansi'),
  col('layanan', true, 'jenis layanan', 'nama layanan', 'service type'),
  col('bulan', true, 'periode', 'bulan tahun', 'month'),
  col('diterima', true, 'berkas diterima', 'permohonan', 'jumlah permohonan', 'received'),
  col('selesai', true, 'berkas selesai', 'jumlah selesai', 'completed'),
  col('selesai_tepat_waktu', false, 'tepat waktu', 'selesai sesuai sop', 'on time'),
  col('dikembalikan', false, 'berkas dikembalikan', 'diperbaiki', 'dikembalikan diperbaiki', 'returned'),
  col('ditolak', false, 'berkas ditolak', 'rejected'),
  col('pegawai', false, 'jumlah pegawai', 'petugas', 'staff'),
  ...BANDS.map((b) => col(b, false)),
  col('waktu_total_jam', false, 'total jam', 'jumlah jam proses', 'total waktu jam'),
];
/** SKP appraisals as SIASN's rw-skp22 holds them (the same CSV.md). */
const SKP_COLUMNS: Target[] = [
  col('nip', true, 'nip baru', 'nipbaru', 'nip pegawai'),
  col('tahun', true, 'tahun penilaian'),
  col('periode', false, 'periode penilaian'),
  col('kuadran_kinerja', true, 'kuadrankinerja', 'predikat', 'predikat kinerja'),
  col('hasil_kinerja', false, 'hasilkinerja', 'rating hasil kerja'),
  col('perilaku_kerja', false, 'perilakukerja', 'rating perilaku kerja'),
  col('nip_penilai', false, 'nipnrppenilai', 'nip pejabat penilai', 'penilai'),
];

/** Numbers of a semicolon file as Excel with Indonesian settings writes
 * them (1.234 and 12,5), in the form the comma file sent to Pelita reads
 * (1234 and 12.5); anything else is left for the service to judge. */
export function plainNumber(v: string): string {
  const s = v.trim();
  if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) return s.replace(/\./g, '');
  if (/^-?\d+,\d+$/.test(s)) return s.replace(',', '.');
  return v;
}
const NUMERIC = new Set(['diterima', 'selesai', 'selesai_tepat_waktu', 'dikembalikan', 'ditolak', 'pegawai',
  'waktu_total_jam', ...BANDS]);

/** A response sheet's columns for one instrument (services/survey/README.md). */
function responseColumns(ins: Instrument | undefined): Target[] {
  if (!ins) return [];
  const about = ['FOLLOWUP', 'OBSERVATION', 'INTERVIEW'].includes(ins.kind ?? '');
  return [
    col('response_id', false, 'key', 'uuid', 'instanceid', 'meta instanceid', 'id jawaban'),
    col('submit_time', false, 'timestamp', 'stempel waktu', 'submissiondate', 'submission time', 'waktu', 'waktu pengisian'),
    // Anonymous surveys too: an organiser's import may name the NIP, which
    // is checked against the cohort and never stored.
    col('nip', false, 'nip responden', 'respondent nip', 'nip penjawab'),
    ...(about ? [col('subject_nip', false, 'nip peserta', 'peserta')] : []),
    ...(ins.items ?? []).map((it) => col(it.code, false, ...(it.text ? [it.text] : []))),
  ];
}

/** What a target column means, for the mapping's list. */
function targetLabel(key: string, ins?: Instrument): string {
  const fixed = t.imports.columns[key];
  if (fixed) return fixed;
  const item = ins?.items?.find((it) => it.code === key);
  return item ? t.imports.itemColumn(item.code, item.text ?? '') : key;
}


interface FileData { name: string; delimiter: string; headers: string[]; rows: string[][]; lines: number[] }

async function readFile(file: File): Promise<FileData> {
  const text = await file.text();
  const delimiter = detectDelimiter(text);
  const lines: number[] = [];
  const [headers = [], ...rows] = parseCsv(text, delimiter, lines);
  return { name: file.name, delimiter, headers, rows, lines: lines.slice(1) };
}

/** A failure after which sending the same piece again may succeed. */
const retryable = (e: unknown) => !(e instanceof ApiError) || e.status === 0 || e.status === 429 || e.status >= 500
  || ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'ABORTED', 'RESOURCE_EXHAUSTED'].includes(e.code);

export function ImportsPage() {
  const { query } = useLocation();
  const kind = (KINDS as string[]).includes(query.get('jenis') ?? '') ? (query.get('jenis') as ImportKind) : 'pegawai';
  return (
    <Page title={t.imports.title} wide>
      <p>{t.imports.intro}</p>
      <nav aria-label={t.imports.kindsLabel}>
        <ul className="tabs">
          {KINDS.map((k) => (
            <li key={k}><Link to={`/impor?jenis=${k}`} aria-current={k === kind ? 'page' : undefined}>{t.imports.kinds[k]}</Link></li>
          ))}
        </ul>
      </nav>
      <ImportForm key={kind} kind={kind} />
    </Page>
  );
}

function ImportForm({ kind }: { kind: ImportKind }) {
  // What the mapping needs: units (names to ids) for the roster; the
  // instruments and cohorts for responses.
  const ctx = useAsync(async () => {
    const units = kind === 'pegawai' || kind === 'kinerja' ? await listAll<Unit>(`/v1/tenants/${TENANT}/units`, 'units') : [];
    if (kind !== 'jawaban') return { units, instruments: [] as Instrument[], cohorts: [] as { program: Program; cohort: Cohort }[] };
    const [instruments, programs] = await Promise.all([
      listAll<Instrument>(`/v1/tenants/${TENANT}/instruments`, 'instruments'),
      listAll<Program>(`/v1/tenants/${TENANT}/programs`, 'programs'),
    ]);
    const cohorts = (await Promise.all(programs.map(async (p) =>
      (await listAll<Cohort>(`/v1/${p.name}/cohorts`, 'cohorts')).map((c) => ({ program: p, cohort: c }))))).flat();
    return { units, instruments: instruments.filter((i) => i.kind !== 'SKM'), cohorts };
  }, [kind]);
  const [instrument, setInstrument] = useState('');
  const [cohort, setCohort] = useState('');
  const [file, setFile] = useState<FileData | null>(null);
  const [readError, setReadError] = useState(false);
  const [mapping, setMapping] = useState<string[]>([]);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [sending, setSending] = useState<{ records: Records; path: string; lines: number[] } | null>(null);
  const setResult = (r: null) => { setProgress(r); setSending(r); };
  const { busy, error, run } = useAction();
  const chosen = ctx.data?.instruments.find((i) => i.name === instrument);
  const targets = useMemo(() => (kind === 'pegawai' ? EMPLOYEE_COLUMNS : kind === 'pengaduan' ? COMPLAINT_COLUMNS
    : kind === 'kinerja' ? PERFORMANCE_COLUMNS : kind === 'skp' ? SKP_COLUMNS : responseColumns(chosen)), [kind, chosen]);
  const [fillSupervisor, setFillSupervisor] = useState(true);
  const missing = targets.filter((c) => c.required && !mapping.includes(c.key));
  const noItem = kind === 'jawaban' && !(chosen?.items ?? []).some((it) => mapping.includes(it.code));

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    setResult(null);
    setReadError(false);
    const f = e.target.files?.[0];
    if (!f) { setFile(null); return; }
    try {
      const data = await readFile(f);
      setFile(data);
      setMapping(guessMapping(data.headers, targets));
    } catch {
      setFile(null);
      setReadError(true);
    }
  };
  const chooseInstrument = (name: string) => {
    setInstrument(name);
    setResult(null);
    const ins = ctx.data?.instruments.find((i) => i.name === name);
    if (file) setMapping(guessMapping(file.headers, responseColumns(ins)));
  };
  const setTarget = (i: number, key: string) =>
    setMapping((m) => m.map((k, j) => (j === i ? key : k === key && key ? '' : k)));

  // The roster names units by id; a file may name them as people do.
  const unitIds = useMemo(() => new Map((ctx.data?.units ?? []).flatMap((u) =>
    [[normaliseHeader(u.displayName ?? ''), lastSegment(u.name)], [normaliseHeader(lastSegment(u.name)), lastSegment(u.name)]])), [ctx.data]);
  const convert = (key: string, v: string) => {
    if (key === 'unit') return unitIds.get(normaliseHeader(v)) ?? v;
    if (kind === 'kinerja' && file?.delimiter === ';' && NUMERIC.has(key)) return plainNumber(v);
    return v;
  };

  // Sends the pieces from `from` on (a new import, or the rest after a
  // failed piece); the combined answer grows as each piece is answered.
  const send = (job: { records: Records; path: string; lines: number[] }, from: Progress) => {
    setSending(job);
    setProgress(from);
    void run(async () => {
      const p = await sendPieces(job.records, (text) => uploadCsv<ImportResult>(job.path, text), from, setProgress, job.lines);
      setProgress(p);
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const { header, body } = remapRecords(file.rows, mapping, kind === 'pegawai' || kind === 'kinerja' ? convert : undefined);
    const path = kind === 'pegawai' ? `/v1/tenants/${TENANT}/employees:import`
      : kind === 'pengaduan' ? `/v1/tenants/${TENANT}/complaints:importCsv`
      : kind === 'kinerja' ? `/v1/tenants/${TENANT}/serviceMonths:importCsv`
      : kind === 'skp' ? `/v1/tenants/${TENANT}/skp:importCsv${fillSupervisor ? '?fillSupervisor=true' : ''}`
      : `/v1/tenants/${TENANT}/responses:importCsv?instrument=${encodeURIComponent(instrument)}&cohort=${encodeURIComponent(cohort)}`;
    send({ records: recordsOf(header, body), path, lines: file.lines }, startProgress(body.length));
  };
  const resume = () => { if (sending && progress) send(sending, progress); };

  if (ctx.loading && !ctx.data) return <Loading />;
  if (ctx.error != null) return <ErrorBox error={ctx.error} onRetry={ctx.reload} />;
  const headerOf = (field?: string) => {
    const i = mapping.indexOf(field ?? '');
    return i >= 0 ? file?.headers[i] : undefined;
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p className="hint">{t.imports.about[kind]}</p>
      {kind === 'kinerja' && <p><Link to="/jenis-layanan">{t.imports.serviceTypesLink}</Link></p>}
      {kind === 'skp' && (
        <p><label><input type="checkbox" checked={fillSupervisor} onChange={(e) => setFillSupervisor(e.target.checked)} />{' '}
          {t.imports.fillSupervisor}</label></p>
      )}
      {kind === 'jawaban' && (
        <div className="row">
          <div>
            <label htmlFor="imp-instrument">{t.links.instrument}</label>
            <select id="imp-instrument" value={instrument} onChange={(e) => chooseInstrument(e.target.value)}>
              <option value="">{t.links.choose}</option>
              {ctx.data!.instruments.map((i) => <option key={i.name} value={i.name}>{i.title ?? lastSegment(i.name)}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="imp-cohort">{t.participant.cohort}</label>
            <select id="imp-cohort" value={cohort} onChange={(e) => setCohort(e.target.value)}>
              <option value="">{t.imports.chooseCohort}</option>
              {ctx.data!.cohorts.map(({ program, cohort: c }) => (
                <option key={c.name} value={c.name}>{`${program.title ?? lastSegment(program.name)} — ${c.displayName ?? lastSegment(c.name)}`}</option>
              ))}
            </select>
          </div>
        </div>
      )}
      <label htmlFor="imp-file">{t.imports.file}</label>
      <input id="imp-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void onFile(e)} aria-describedby="imp-file-hint" />
      <p className="hint" id="imp-file-hint">{t.imports.fileHint}</p>
      {readError && <p className="field-error" role="alert">{t.imports.readError}</p>}
      {file && (
        <>
          <section className="card" aria-labelledby="imp-preview">
            <h2 id="imp-preview">{t.imports.preview}</h2>
            <p data-testid="imp-summary">{t.imports.fileSummary(file.name, formatInteger(file.rows.length), t.imports.delimiters[file.delimiter] ?? file.delimiter)}</p>
            <TableWrap label={t.imports.preview}><table data-testid="imp-preview-table">
              <caption className="sr-only">{t.imports.previewCaption}</caption>
              <thead><tr>{file.headers.map((h, i) => <th scope="col" key={i}>{h}</th>)}</tr></thead>
              <tbody>{file.rows.slice(0, 5).map((r, i) => (
                <tr key={i}>{file.headers.map((_, j) => <td key={j}>{r[j] ?? ''}</td>)}</tr>
              ))}</tbody>
            </table></TableWrap>
          </section>
          <section className="card mapping" aria-labelledby="imp-mapping">
            <h2 id="imp-mapping">{t.imports.mapping}</h2>
            <p className="hint">{t.imports.mappingHint}</p>
            {kind === 'jawaban' && !chosen ? <p>{t.imports.chooseInstrumentFirst}</p> : (
              <TableWrap label={t.imports.mapping}><table data-testid="imp-mapping-table">
                <caption className="sr-only">{t.imports.mapping}</caption>
                <thead><tr>
                  <th scope="col">{t.imports.fileColumn}</th><th scope="col">{t.imports.example}</th>
                  <th scope="col">{t.imports.pelitaColumn}</th>
                </tr></thead>
                <tbody>{file.headers.map((h, i) => (
                  <tr key={i}>
                    <th scope="row">{h || t.imports.unnamed(i + 1)}</th>
                    <td>{file.rows[0]?.[i] ?? ''}</td>
                    <td>
                      <label htmlFor={`map-${i}`} className="sr-only">{t.imports.mapFor(h || t.imports.unnamed(i + 1))}</label>
                      <select id={`map-${i}`} value={mapping[i] ?? ''} onChange={(e) => setTarget(i, e.target.value)}>
                        <option value="">{t.imports.ignore}</option>
                        {targets.map((c) => (
                          <option key={c.key} value={c.key}>{`${targetLabel(c.key, chosen)}${c.required ? ` (${t.imports.requiredMark})` : ''}`}</option>
                        ))}
                      </select>
                    </td>
                  </tr>))}
                </tbody>
              </table></TableWrap>
            )}
            {missing.length > 0 && (
              <p className="field-error" data-testid="imp-missing">{t.imports.missing(missing.map((c) => targetLabel(c.key, chosen)).join(', '))}</p>
            )}
            {kind === 'jawaban' && chosen && noItem && <p className="field-error">{t.imports.noItem}</p>}
          </section>
        </>
      )}
      {error != null && <ErrorBox error={error} />}
      <button type="submit" disabled={busy || !file || missing.length > 0 || (kind === 'jawaban' && (!chosen || !cohort || noItem))}>
        {busy ? t.imports.uploading : t.imports.upload}
      </button>
      {busy && progress && (
        <p role="status" data-testid="imp-progress">{t.imports.progress(formatInteger(progress.done), formatInteger(progress.total), formatInteger(progress.pieces))}</p>
      )}
      {!busy && progress?.failed && (
        <section className="card" aria-labelledby="imp-failed" data-testid="imp-failed">
          <h2 id="imp-failed">{t.imports.failedTitle}</h2>
          <p>{t.imports.failedPiece(formatInteger(progress.failed.piece), formatInteger(progress.failed.record))}</p>
          <ErrorBox error={progress.failed.error} />
          {retryable(progress.failed.error) && (
            <>
              <p>{t.imports.resumeSafe}</p>
              <button type="button" onClick={resume} data-testid="imp-resume">{t.imports.resume(formatInteger(progress.failed.piece))}</button>
            </>
          )}
        </section>
      )}
      {!busy && progress && progress.pieces > 0 && (
        <ImportResultView result={progress.result} headerOf={headerOf} pieces={progress.pieces}
          stoppedPiece={progress.stoppedPiece} unfinished={progress.failed !== undefined} />
      )}
    </form>
  );
}

function ImportResultView({ result, headerOf, pieces = 1, stoppedPiece, unfinished = false }: {
  result: ImportResult; headerOf: (field?: string) => string | undefined; pieces?: number; stoppedPiece?: number; unfinished?: boolean;
}) {
  const rejected = result.rejected ?? [];
  const counts: [string, string | undefined][] = [
    ['read', result.recordsRead], ['accepted', result.acceptedCount], ['unchanged', result.unchangedCount],
    ['replaced', result.replacedCount], ['rejected', result.rejectedCount],
  ];
  return (
    <section className="card" aria-labelledby="imp-result">
      <h2 id="imp-result">{t.imports.result}</h2>
      <p role="status" data-testid="imp-state">{result.state === 'STOPPED' ? t.imports.stopped(formatInteger(toNumber(result.stop?.record)),
        t.imports.stopReasons[result.stop?.reason ?? ''] ?? t.imports.stopReasons.OTHER)
        : unfinished ? t.imports.unfinished : t.imports.complete}</p>
      {pieces > 1 && <p data-testid="imp-pieces">{t.imports.inPieces(formatInteger(pieces))}</p>}
      {stoppedPiece !== undefined && pieces > 1 && <p data-testid="imp-stopped-piece">{t.imports.stoppedPiece(formatInteger(stoppedPiece))}</p>}
      <ul className="counts-line" data-testid="imp-counts">
        {counts.map(([k, v]) => <li key={k} data-testid={`imp-${k}`}>{t.imports.counts[k]}: <strong>{formatInteger(toNumber(v))}</strong></li>)}
      </ul>
      {rejected.length > 0 && (
        <TableWrap label={t.imports.rejectedTitle}><table data-testid="imp-rejected">
          <caption>{t.imports.rejectedTitle}</caption>
          <thead><tr>
            <th scope="col" className="num">{t.imports.row}</th><th scope="col">{t.imports.column}</th>
            <th scope="col">{t.imports.recordId}</th><th scope="col">{t.imports.reason}</th>
          </tr></thead>
          <tbody>{rejected.map((r, i) => {
            const yours = headerOf(r.field);
            return (
              <tr key={i}>
                <td className="num">{formatInteger(toNumber(r.row))}</td>
                <td>{r.field ? (yours && yours !== r.field ? t.imports.columnAs(yours, r.field) : r.field) : t.imports.wholeRow}</td>
                {/* A derived id (no id column in the file) means nothing to the reader. */}
                <td>{result.idColumn ? r.id ?? '' : ''}</td>
                <td>{importReason(r)}</td>
              </tr>);
          })}</tbody>
        </table></TableWrap>
      )}
      {toNumber(result.rejectedCount) > rejected.length && <p className="hint">{t.imports.moreRejected(formatInteger(rejected.length))}</p>}
    </section>
  );
}

