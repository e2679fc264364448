// @vitest-environment jsdom
// The report page's L4 from the work itself (issue 18): each figure with
// its Indonesian label, its value as id-ID writes it, its n and interval,
// and a withheld figure with its reason instead of a number.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../i18n/id';
import { WorkFigures } from './report';

describe('WorkFigures', () => {
  afterEach(cleanup);

  it('shows the rates, the differences in differences and a withheld figure with its reason', () => {
    render(<WorkFigures w={{
      treatedErrorRateBefore: { value: 0.061, n: '2000', hasInterval: true, ciLow: 0.051, ciHigh: 0.072 },
      treatedErrorRateAfter: { value: 0.034, n: '2000', hasInterval: true, ciLow: 0.027, ciHigh: 0.043 },
      errorRateDid: { value: -2.1, n: '4000', hasInterval: true, ciLow: -3.0, ciHigh: -1.2 },
      processingHoursDid: { withheld: true, n: '0', reasonCode: 'TOO_FEW_CONTROL_UNITS', reason: 'x' },
    }} />);
    const row = (label: string) => screen.getByRole('row', { name: new RegExp(label.replace(/[()]/g, '.')) });
    expect(within(row(t.report.errorBefore)).getByText('6,1%')).toBeTruthy();
    const did = row(t.report.errorDid);
    expect(within(did).getByText('-2,1')).toBeTruthy();
    expect(within(did).getByText('-3 – -1,2')).toBeTruthy();
    const hours = row(t.report.hoursDid);
    expect(within(hours).getByText(t.report.withheld)).toBeTruthy();
    expect(within(hours).getByText(t.figureReasons.TOO_FEW_CONTROL_UNITS)).toBeTruthy();
  });
});
