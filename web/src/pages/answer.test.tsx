// @vitest-environment jsdom
// Component test of the answer page's offline behaviour (issue 16: "answers
// kept if the connection drops and sent when it returns"): the page itself
// in a DOM, its fetch answered by a stand-in for the gateway.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { t } from '../i18n/id';
import { AnswerPage } from './answer';

const TOKEN = 'eyJ0IjoiMTUwNCJ9.c2lnbmF0dXJlLW9mLXRoZS1saW5r';
const KEY = `pelita.jawab.${TOKEN.slice(-22)}`;
const FORM = {
  instrument: { title: 'Survei reaksi', kind: 'REACTION', items: [{ code: 'Q1', text: 'Materi bermanfaat', type: 'LIKERT', required: true, scaleMin: 1, scaleMax: 4 }] },
  cohort: 'tenants/1504/programs/p/cohorts/c',
};

describe('AnswerPage offline', () => {
  let answers: unknown[] = [];
  let online = false;

  beforeEach(() => {
    answers = [];
    online = false;
    window.location.hash = `#${TOKEN}`;
    // The review screen of an answer given before (kept on the device).
    localStorage.setItem(KEY, JSON.stringify({ responseId: 'r-1', values: { Q1: 3 }, step: 1, pending: false }));
    vi.stubGlobal('fetch', vi.fn(async (path: string, init: RequestInit) => {
      if (path === '/v1/answerLinks:open') return new Response(JSON.stringify(FORM), { status: 200 });
      answers.push(JSON.parse(String(init.body)));
      if (!online) throw new TypeError('Failed to fetch');  // the connection is gone
      return new Response(JSON.stringify({ name: 'tenants/1504/responses/r-1' }), { status: 200 });
    }));
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    localStorage.clear();
  });

  it('keeps an answer that could not be sent and sends it, once, when the connection returns', async () => {
    const listen = vi.spyOn(window, 'addEventListener');
    render(<AnswerPage />);
    fireEvent.click(await screen.findByRole('button', { name: t.answer.submit }));
    await screen.findByText(t.answer.offline);
    expect(JSON.parse(localStorage.getItem(KEY) ?? '{}').pending).toBe(true);
    expect(answers).toHaveLength(1);
    // The notice is in the DOM as soon as React commits, but the effect that
    // listens for `online` may still be waiting to run (on a loaded machine
    // CI saw the event go out before anyone listened): wait for the listener.
    await waitFor(() => expect(listen).toHaveBeenCalledWith('online', expect.any(Function)));

    online = true;
    await act(async () => { window.dispatchEvent(new Event('online')); });
    await screen.findByText(t.answer.thanks);
    expect(localStorage.getItem(KEY)).toBeNull();
    // The same response id both times: the service stores it once.
    expect(answers).toHaveLength(2);
    expect(answers.map((a) => (a as { responseId: string }).responseId)).toEqual(['r-1', 'r-1']);
    expect((answers[1] as { answers: unknown[] }).answers).toEqual([{ item: 'Q1', number: '3' }]);  // int64 as proto3 JSON writes it
  });

  it('sends a kept answer by itself when the link is opened again online', async () => {
    localStorage.setItem(KEY, JSON.stringify({ responseId: 'r-1', values: { Q1: 3 }, step: 1, pending: true }));
    online = true;
    render(<AnswerPage />);
    await waitFor(() => expect(screen.getByText(t.answer.thanks)).toBeTruthy());
    expect(answers).toHaveLength(1);
  });
});
