// The API client: JSON over the gateway's public REST API, nothing else.
// Adds the access token, sends the refresh cookie only to /v1/auth (its
// Path), refreshes once on a 401 and repeats the request; when that fails
// too, the session ends and the router goes to /masuk.  Every failure is
// thrown as an ApiError (errors.ts).
import { ApiError, parseApiError } from './errors';
import { getAccessToken, setAccessToken } from './session';

export const TENANT = '1504';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
let onSessionExpired: () => void = () => {};

/** The router registers where to go when the session cannot be renewed. */
export function setSessionExpiredHandler(f: () => void): void {
  onSessionExpired = f;
}

/** A body sent as it is (a CSV file), not as JSON. */
export class RawBody {
  constructor(readonly text: string, readonly contentType: string) {}
}

async function send(method: Method, path: string, body: unknown, auth: boolean): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const raw = body instanceof RawBody ? body : null;
  if (body !== undefined) headers['Content-Type'] = raw ? raw.contentType : 'application/json';
  const token = getAccessToken();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: raw ? raw.text : body === undefined ? undefined : JSON.stringify(body),
      // The refresh cookie is same-origin, HttpOnly, SameSite=Strict.
      credentials: 'same-origin',
    });
  } catch (e) {
    // fetch rejects only when no answer came (offline, connection refused).
    throw new ApiError(0, 'UNAVAILABLE', '', [], {}, undefined, String(e));
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!res.ok) throw parseApiError(res.status, json, res.headers.get('Retry-After'));
  return (json ?? {}) as T;
}

let refreshing: Promise<boolean> | null = null;

/** Asks for a new access token with the refresh cookie; one request at a
 * time however many calls got a 401 together. */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await send('POST', '/v1/auth:refresh', {}, false);
        const body = await parse<{ accessToken?: string }>(res);
        if (!body.accessToken) return false;
        setAccessToken(body.accessToken);
        return true;
      } catch {
        return false;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

/** One API call.  `auth: false` for the public sign-in routes. */
export async function api<T>(method: Method, path: string, body?: unknown, auth = true): Promise<T> {
  const res = await send(method, path, body, auth);
  if (res.status === 401 && auth) {
    if (await refreshSession()) return parse<T>(await send(method, path, body, auth));
    setAccessToken(null);
    onSessionExpired();
  }
  return parse<T>(res);
}

export const get = <T>(path: string) => api<T>('GET', path);

/** The file name a download's Content-Disposition gives, or `fallback`. */
export function downloadName(disposition: string | null, fallback: string): string {
  const m = /filename="([^"]+)"/.exec(disposition ?? '');
  return m ? m[1] : fallback;
}

/** Fetches a document (PDF, XLSX) with the session's token and hands it to
 * the browser as a download; an error answer is thrown as an ApiError. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const fetchIt = () => {
    const token = getAccessToken();
    return fetch(path, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      credentials: 'same-origin',
    }).catch((e) => { throw new ApiError(0, 'UNAVAILABLE', '', [], {}, undefined, String(e)); });
  };
  let res = await fetchIt();
  if (res.status === 401 && await refreshSession()) res = await fetchIt();
  if (!res.ok) await parse<unknown>(res);  // throws the API's error
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = downloadName(res.headers.get('Content-Disposition'), fallbackName);
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser has taken the file once the click returned.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
/** A CSV file to an import route (the gateway streams a text/csv body to
 * the service's csv_chunk messages; the other request fields travel in the
 * query). */
export const uploadCsv = <T>(path: string, csv: string) => api<T>('POST', path, new RawBody(csv, 'text/csv'));

// --- Sign-in routes (identity, public) ---

export interface SignInReply {
  accessToken: string;
  expiresIn?: string | number;
}

export async function signIn(tenantCode: string, username: string, password: string): Promise<void> {
  const r = await api<SignInReply>('POST', '/v1/auth:signIn', { tenantCode, username, password }, false);
  // A refreshToken still in the body (before the gateway sets the cookie) is ignored on purpose.
  setAccessToken(r.accessToken);
}

export async function signOut(): Promise<void> {
  try {
    await api('POST', '/v1/auth:signOut', {}, false);
  } finally {
    setAccessToken(null);
  }
}

export function activate(tenantCode: string, username: string, code: string, password: string) {
  return api('POST', '/v1/auth:activate', { tenantCode, username, code, password }, false);
}

export function changePassword(accountId: string, currentPassword: string, newPassword: string) {
  return api('POST', `/v1/tenants/${TENANT}/accounts/${encodeURIComponent(accountId)}:changePassword`,
    { currentPassword, newPassword });
}

/** The last segment of a resource name: "tenants/1504/units/dukcapil" -> "dukcapil". */
export const lastSegment = (name: string | undefined) => (name ?? '').split('/').pop() ?? '';

/** Follows next_page_token until the list ends (bounded: 50 pages). */
export async function listAll<T>(path: string, key: string, pageSize = 500): Promise<T[]> {
  const out: T[] = [];
  let token = '';
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get<Record<string, unknown>>(
      `${path}${sep}pageSize=${pageSize}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
    out.push(...((page[key] as T[] | undefined) ?? []));
    token = typeof page.nextPageToken === 'string' ? page.nextPageToken : '';
    if (!token) break;
  }
  return out;
}
