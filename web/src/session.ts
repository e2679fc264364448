// The signed-in session: the access token lives in memory only (never in
// localStorage or sessionStorage, where any script could read it); the
// refresh token is the gateway's HttpOnly cookie `pelita_refresh`, which
// no script can read.  After a reload the application asks
// POST /v1/auth:refresh once to get a new access token from the cookie.

export interface Claims {
  sub: string;
  role: string;
  tenant: string;
  unit?: string;
  cohorts?: string[];
  province?: string;
  exp?: number;
}

let accessToken: string | null = null;
let claims: Claims | null = null;
const listeners = new Set<() => void>();

/** Decodes a JWT's payload (base64url JSON).  For display and navigation
 * only: the gateway verifies the signature, the browser does not need to. */
export function decodeClaims(jwt: string): Claims | null {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Claims>;
    if (typeof json.sub !== 'string' || typeof json.role !== 'string') return null;
    return {
      sub: json.sub,
      role: json.role,
      tenant: String(json.tenant ?? ''),
      unit: typeof json.unit === 'string' ? json.unit : undefined,
      cohorts: Array.isArray(json.cohorts) ? json.cohorts.map(String) : undefined,
      province: typeof json.province === 'string' ? json.province : undefined,
      exp: typeof json.exp === 'number' ? json.exp : undefined,
    };
  } catch {
    return null;
  }
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  claims = token ? decodeClaims(token) : null;
  listeners.forEach((l) => l());
}

export const getAccessToken = () => accessToken;
export const getClaims = () => claims;

/** Subscribes to sign-in/sign-out; returns the unsubscribe function. */
export function onSessionChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
