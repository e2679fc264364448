// Numbers, money, dates and scores as an Indonesian reader expects them
// (locale id-ID: "1.234,5", "Rp 1.500.000", "12 Desember 2026").  Every
// figure a page shows goes through one of these, so the pages never print a
// raw protobuf value such as 48.511904761904766 or {"year":2026,...}.
import { t } from './i18n/id';

const nf = (min: number, max: number) =>
  new Intl.NumberFormat('id-ID', { minimumFractionDigits: min, maximumFractionDigits: max });
const integer = nf(0, 0);

/** A count or other whole number: 1234 -> "1.234". */
export function formatInteger(n: number): string {
  return integer.format(n);
}

/** A number with at most `digits` decimals: 1234.5 -> "1.234,5". */
export function formatNumber(n: number, digits = 1): string {
  return nf(0, digits).format(n);
}

/** A score (0–100 scale, IKM, rubric): always one decimal, 48.5119 -> "48,5". */
export function formatScore(n: number): string {
  return nf(1, 1).format(roundHalfAwayFromZero(n, 1));
}

/** A share 0..1 as a percentage with one decimal: 0.4567 -> "45,7%". */
export function formatPercent(share: number, digits = 1): string {
  return `${nf(digits, digits).format(roundHalfAwayFromZero(share * 100, digits))}%`;
}

/** Rupiah without decimals: 1500000 -> "Rp 1.500.000" (negative: "-Rp 1.500"). */
export function formatRupiah(amount: number): string {
  const r = Math.round(amount);
  return `${r < 0 ? '-' : ''}Rp ${integer.format(Math.abs(r))}`;
}

/** Rounds as a person does (2,25 -> 2,3; -2,25 -> -2,3), not to even, and
 * corrects binary noise (1.005 is stored as 1.00499..., still rounds up). */
export function roundHalfAwayFromZero(n: number, digits: number): number {
  const f = 10 ** digits;
  const scaled = Math.abs(n) * f;
  const r = Math.round(Number(scaled.toPrecision(12)));
  return (Math.sign(n) * r) / f || 0;
}

/** A google.type.Date as JSON ({year, month, day}; month 1–12). */
export interface ProtoDate {
  year?: number;
  month?: number;
  day?: number;
}

/** {year:2026, month:12, day:12} -> "12 Desember 2026"; a missing part -> "". */
export function formatDate(d: ProtoDate | undefined | null): string {
  if (!d || !d.year || !d.month || !d.day) return '';
  const month = t.months[d.month - 1];
  if (!month) return '';
  return `${d.day} ${month} ${d.year}`;
}

/** An RFC 3339 timestamp in the tenant's zone (WIB for Batanghari by default):
 * "2026-12-12T03:00:00Z" -> "12 Desember 2026". */
export function formatTimestampDate(rfc3339: string | undefined, timeZone = 'Asia/Jakarta'): string {
  if (!rfc3339) return '';
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return formatDate({ year: get('year'), month: get('month'), day: get('day') });
}

/** A "YYYY-MM-DD" day (scoring's windows) -> "12 Desember 2026". */
export function formatIsoDay(day: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? '');
  if (!m) return '';
  return formatDate({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
}

/** A "YYYY-MM" month (scoring's series) -> "Jan 2026" (a chart's axis). */
export function formatMonth(period: string | undefined): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period ?? '');
  const short = m ? t.monthsShort[Number(m[2]) - 1] : undefined;
  return m && short ? `${short} ${m[1]}` : period ?? '';
}

/** A protobuf int64 arrives as a JSON string ("500000000"); int32 as a number. */
export function toNumber(v: number | string | undefined | null): number {
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** A proto Date as input[type=date]'s value "2026-12-12", and back. */
export function dateToInput(d: ProtoDate | undefined): string {
  if (!d || !d.year || !d.month || !d.day) return '';
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return `${p(d.year, 4)}-${p(d.month, 2)}-${p(d.day, 2)}`;
}
export function inputToDate(v: string): ProtoDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
}
