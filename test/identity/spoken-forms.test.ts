import { spokenAmount, spokenDate, spokenDigits, spokenTime } from '../../src/identity/spoken-forms';

describe('money, times and numbers as a person says them', () => {
  it.each([
    [12850, '128元5角', '128 yuan 50'],
    [12856, '128元5角6分', '128 yuan 56'],
    [12806, '128元零6分', '128 yuan 06'],
    [30000, '300元', '300 yuan'],
    [50, '5角', '0 yuan 50'],
    [5, '5分', '0 yuan 05'],
    [0, '0元', '0 yuan'],
  ])('%i fen', (fen, zh, en) => {
    expect(spokenAmount(fen, 'zh-CN')).toBe(zh);
    expect(spokenAmount(fen, 'en-US')).toBe(en);
  });

  it('reads times in China time whatever offset the core sent', () => {
    expect(spokenTime('2026-11-20T14:30:00+08:00', 'zh-CN')).toBe('11月20日 14点30分');
    expect(spokenTime('2026-11-20T06:30:00Z', 'zh-CN')).toBe('11月20日 14点30分');
    expect(spokenTime('2026-11-20T09:00:00+08:00', 'zh-CN')).toBe('11月20日 9点整');
    expect(spokenTime('2026-11-20T14:05:00+08:00', 'en-US')).toBe('November 20 at 2:05 PM');
    expect(spokenTime('2026-11-20T00:15:00+08:00', 'en-US')).toBe('November 20 at 12:15 AM');
  });

  it('reads dates and case numbers', () => {
    expect(spokenDate('2026-11-29', 'zh-CN')).toBe('11月29日');
    expect(spokenDate('2026-11-29', 'en-US')).toBe('November 29');
    expect(spokenDigits('10000001', 'zh-CN')).toBe('一零零零零零零一');
    expect(spokenDigits('10000001', 'en-US')).toBe('1 0 0 0 0 0 0 1');
  });
});
