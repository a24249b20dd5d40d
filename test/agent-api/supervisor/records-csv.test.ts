import { csvField } from '../../../src/agent-api/supervisor/records-csv';

describe('CSV fields (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['已退款', '已退款'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+86 139', "'+86 139"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
  ])('%j → %s', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes numbers and booleans as they are, and nothing for null', () => {
    expect([csvField(42), csvField(-3), csvField(true), csvField(null)]).toEqual(['42', '-3', 'true', '']);
  });
});
