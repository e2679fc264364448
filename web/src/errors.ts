// API errors: the gateway answers 4xx/5xx with (AIP-193's wrapper
// {"error":{...}} is accepted too)
//   {"code":7,"status":"PERMISSION_DENIED","message":"...",
//             "details":[{"@type":".../google.rpc.ErrorInfo","reason":"OUTSIDE_REACH","metadata":{...}},
//                        {"@type":".../google.rpc.BadRequest","fieldViolations":[{"field":..,"description":..}]},
//                        {"@type":".../google.rpc.RetryInfo","retryDelay":"4s"}]}
// `parseApiError` turns that into an ApiError; `describeError` into words of
// the message catalogue.  The English `message` is kept for logs only and is
// never shown.
import { t } from './i18n/id';

export interface FieldViolation {
  field: string;
  description: string;
}

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the request never got an answer (network). */
    readonly status: number,
    /** gRPC status name, e.g. "PERMISSION_DENIED"; "" when unknown. */
    readonly code: string,
    /** ErrorInfo reason, e.g. "SIGN_IN_FAILED"; "" when none. */
    readonly reason: string,
    readonly fieldViolations: FieldViolation[] = [],
    readonly metadata: Record<string, string> = {},
    /** Seconds to wait (RetryInfo, ErrorInfo retry_after_seconds or Retry-After). */
    readonly retryAfterSeconds?: number,
    detail = '',
  ) {
    super(detail || `${status} ${code} ${reason}`);
    this.name = 'ApiError';
  }
}

type Json = Record<string, unknown>;

/** "4s", "1.5s" (protobuf Duration JSON) -> whole seconds, rounded up. */
function durationSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(v);
  return m ? Math.max(1, Math.ceil(Number(m[1]))) : undefined;
}

/** Builds an ApiError from an HTTP status, the parsed JSON body (or
 * anything else) and the Retry-After header. */
export function parseApiError(status: number, body: unknown, retryAfterHeader?: string | null): ApiError {
  // The gateway sends the google.rpc.Status fields at the top level
  // ({"code":16,"status":..,"details":[..]}); AIP-193's {"error":{...}}
  // wrapping is read as well.
  const top = body && typeof body === 'object' ? (body as Json) : undefined;
  const err = (top && typeof top.error === 'object' && top.error ? top.error : top) as Json | undefined;
  let code = typeof err?.status === 'string' ? err.status : '';
  let reason = '';
  let metadata: Record<string, string> = {};
  const violations: FieldViolation[] = [];
  let retry: number | undefined;
  const details = Array.isArray(err?.details) ? (err!.details as Json[]) : [];
  for (const d of details) {
    const type = typeof d['@type'] === 'string' ? (d['@type'] as string) : '';
    if (type.endsWith('google.rpc.ErrorInfo')) {
      if (!reason && typeof d.reason === 'string') reason = d.reason;
      if (d.metadata && typeof d.metadata === 'object') metadata = { ...(d.metadata as Record<string, string>) };
    } else if (type.endsWith('google.rpc.BadRequest')) {
      const fv = Array.isArray(d.fieldViolations) ? (d.fieldViolations as Json[]) : [];
      for (const v of fv) {
        violations.push({ field: String(v.field ?? ''), description: String(v.description ?? '') });
      }
    } else if (type.endsWith('google.rpc.RetryInfo')) {
      retry = durationSeconds(d.retryDelay) ?? retry;
    }
  }
  if (retry === undefined) {
    const fromMeta = Number(metadata.retry_after_seconds ?? metadata.retryAfterSeconds);
    if (Number.isFinite(fromMeta) && fromMeta > 0) retry = Math.ceil(fromMeta);
  }
  if (retry === undefined && retryAfterHeader && /^\d+$/.test(retryAfterHeader.trim())) {
    retry = Math.max(1, Number(retryAfterHeader.trim()));
  }
  if (!code) code = statusNameOf(status);
  const message = typeof err?.message === 'string' ? err.message : '';
  return new ApiError(status, code, reason, violations, metadata, retry, message);
}

/** The gRPC status name an HTTP status stands for when the body names none. */
function statusNameOf(http: number): string {
  switch (http) {
    case 400: return 'INVALID_ARGUMENT';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'PERMISSION_DENIED';
    case 404: return 'NOT_FOUND';
    case 409: return 'ALREADY_EXISTS';
    case 429: return 'RESOURCE_EXHAUSTED';
    case 503: return 'UNAVAILABLE';
    case 504: return 'DEADLINE_EXCEEDED';
    default: return '';
  }
}

/** What the user may do next after an error. */
export type WayForward = 'retry' | 'back' | 'signIn' | 'fix';

export interface ErrorText {
  /** One sentence from the catalogue. */
  message: string;
  /** Per field (proto path as sent), an Indonesian sentence. */
  fields: { field: string; message: string }[];
  forward: WayForward;
}

/** "action_plan.actions[0].change" -> "Perubahan yang akan dilakukan (aksi 1)". */
export function fieldLabel(path: string): string {
  // In an instrument's item, the item's own field names it
  // ("items[0].choices[1].code" is about the item's choices).
  const inItem = /items\[\d+\]\.([A-Za-z_]+)/.exec(path);
  const parts = path.split('.');
  const last = inItem ? (inItem[1] === 'code' ? 'item_code' : inItem[1]) : parts[parts.length - 1] ?? path;
  const snake = last.replace(/\[\d+\]$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const label = t.fields[snake] ?? t.fields[last] ?? '';
  // The list entry a path names: an action of a plan, an item of
  // an instrument ("instrument.items[2].key.points" -> "... (butir 3)").
  const index = /(actions|items)\[(\d+)\]/.exec(path);
  const base = label || (index ? t.fields[index[1]] : '');
  if (!label && !index) return '';
  if (!index || snake === index[1]) return base;
  const n = Number(index[2]) + 1;
  const which = index[1] === 'actions' ? t.plan.action(n) : t.instruments.itemN(n);
  return `${base} (${which.toLowerCase()})`;
}

/** Indonesian words for any error a page catches (ApiError, a failed fetch, a bug). */
export function describeError(e: unknown): ErrorText {
  if (!(e instanceof ApiError)) {
    return { message: e instanceof TypeError ? t.networkError : t.genericError, fields: [], forward: 'retry' };
  }
  if (e.status === 0) return { message: t.networkError, fields: [], forward: 'retry' };
  if (e.reason === 'SIGN_IN_THROTTLED' || (e.status === 429 && e.retryAfterSeconds)) {
    return { message: t.throttled(e.retryAfterSeconds ?? 1), fields: [], forward: 'retry' };
  }
  const fields = e.fieldViolations.map((v) => {
    const label = fieldLabel(v.field);
    return { field: v.field, message: t.fieldInvalid(label || t.fieldGeneric) };
  });
  const known = t.reasons[e.reason];
  if (known) {
    const signIn = e.reason.startsWith('REFRESH_');
    return { message: known, fields, forward: signIn ? 'signIn' : e.status === 403 ? 'back' : 'fix' };
  }
  const byStatus = t.statuses[e.code];
  if (byStatus) {
    const forward: WayForward = e.code === 'UNAUTHENTICATED' ? 'signIn'
      : e.code === 'INVALID_ARGUMENT' || e.code === 'FAILED_PRECONDITION' ? 'fix'
      : e.code === 'PERMISSION_DENIED' || e.code === 'NOT_FOUND' ? 'back' : 'retry';
    return { message: byStatus, fields, forward };
  }
  return { message: t.genericError, fields, forward: 'retry' };
}
