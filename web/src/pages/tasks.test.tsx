// @vitest-environment jsdom
// Component test of "Survei dan tes saya" (issue 16): each state says what
// it is in Indonesian, only an open task links to its form (by its link
// token, on the answer page), an anonymous survey offers no link, and an
// API refusal is shown from its reason.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { t } from '../i18n/id';
import { AnswerTasks } from './tasks';

const NIP = '199001012015031001';
const COHORT = 'tenants/1504/programs/pelayanan-publik/cohorts/angkatan-01';
const task = (over: Record<string, unknown>) => ({
  cohort: COHORT, instrument: 'tenants/1504/instruments/x', instrumentKind: 'REACTION',
  expireTime: '2026-12-11T20:00:00Z', ...over,
});

function answer(status: number, body: unknown) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', vi.fn(async (path: string) => {
    calls.push(path);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }));
  return calls;
}

describe('AnswerTasks', () => {
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

  it('lists each state, and links only the open one to its form', async () => {
    const calls = answer(200, { tasks: [
      task({ instrument: 'tenants/1504/instruments/a', instrumentTitle: 'Pra-tes Pelayanan', instrumentKind: 'PRETEST', state: 'OPEN', token: 'tok.en' }),
      task({ instrument: 'tenants/1504/instruments/b', instrumentTitle: 'Tindak lanjut', instrumentKind: 'FOLLOWUP', followupRole: 'SUPERVISOR_ASSESSMENT', subjectNip: NIP, state: 'ANSWERED' }),
      task({ instrument: 'tenants/1504/instruments/c', instrumentTitle: 'Pasca-tes', instrumentKind: 'POSTTEST', state: 'EXPIRED' }),
      task({ instrument: 'tenants/1504/instruments/d', instrumentTitle: 'Survei reaksi', state: 'ANONYMOUS' }),
    ] });
    render(<AnswerTasks nip={NIP} cohortNames={{ [COHORT]: 'Pelayanan Publik Prima · Angkatan I' }} />);
    await waitFor(() => expect(screen.getByText('Pra-tes Pelayanan')).toBeTruthy());
    expect(calls).toEqual([`/v1/tenants/1504/employees/${NIP}/answerTasks`]);
    const links = screen.getAllByRole('link');
    expect(links).toHaveLength(1);
    expect(links[0].getAttribute('href')).toBe('/jawab#tok.en');
    expect(links[0].textContent).toBe(`${t.tasks.open}: Pra-tes Pelayanan`);
    // The day in WIB (20:00 UTC is 03:00 the next day).
    expect(screen.getByText(t.tasks.until('12 Desember 2026'))).toBeTruthy();
    expect(screen.getByText(t.tasks.expired('12 Desember 2026'))).toBeTruthy();
    expect(screen.getByText(t.tasks.anonymous('12 Desember 2026'))).toBeTruthy();
    expect(screen.getByText(`${t.tasks.kinds.FOLLOWUP} · ${t.tasks.about(NIP)}`)).toBeTruthy();
    for (const s of ['OPEN', 'ANSWERED', 'EXPIRED', 'ANONYMOUS']) expect(screen.getByText(t.tasks.states[s])).toBeTruthy();
    expect(screen.getAllByText('Pelayanan Publik Prima · Angkatan I')).toHaveLength(4);
  });

  it('says so when there is nothing, and shows a refusal from its reason', async () => {
    answer(200, {});
    render(<AnswerTasks nip={NIP} />);
    await waitFor(() => expect(screen.getByText(t.tasks.none)).toBeTruthy());
    cleanup();
    answer(403, { code: 7, message: 'no', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'OWN_TASKS_ONLY' }] });
    render(<AnswerTasks nip={NIP} />);
    await waitFor(() => expect(screen.getByText(t.reasons.OWN_TASKS_ONLY)).toBeTruthy());
  });
});
