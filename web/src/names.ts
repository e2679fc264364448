// Resource names -> readable labels, for the places where the caller's role
// may not read the resource itself (a participant cannot GetProgram, a
// supervisor cannot ListUnits): "pelayanan-publik-2026" -> "Pelayanan publik 2026".
export function humanizeSlug(slug: string): string {
  const s = slug.replace(/[-_]+/g, ' ').trim();
  return s ? s[0].toUpperCase() + s.slice(1) : '';
}

/** Parts of ".../programs/{p}/cohorts/{c}/enrolments/{nip}". */
export function enrolmentParts(name: string): { program: string; cohort: string; nip: string } | null {
  const m = /programs\/([^/]+)\/cohorts\/([^/]+)\/enrolments\/([^/]+)/.exec(name);
  return m ? { program: m[1], cohort: m[2], nip: m[3] } : null;
}

/** "tenants/1504/employees/1987..." -> "1987..." */
export const nipOf = (employee: string | undefined) => (employee ?? '').split('/').pop() ?? '';

export const planPath = (p: { program: string; cohort: string; nip: string }) =>
  `/rencana-aksi/${encodeURIComponent(p.program)}/${encodeURIComponent(p.cohort)}/${encodeURIComponent(p.nip)}`;
