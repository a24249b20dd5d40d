import { normalizeChineseMobile, normalizePhone } from '../../src/wallet/phone-number';

describe('normalizeChineseMobile', () => {
  it.each(['+8613800000001', '8613800000001', '008613800000001', '13800000001', '138 0000 0001', '+86 138-0000-0001'])(
    'reads %s as +8613800000001',
    (input) => {
      expect(normalizeChineseMobile(input)).toBe('+8613800000001');
    },
  );

  it.each(['', '1380000000', '138000000012', '23800000001', '12800000001', '+8513800000001', '86 1380000000', 'abc'])(
    'rejects %s',
    (input) => {
      expect(normalizeChineseMobile(input)).toBeNull();
    },
  );
});

describe('normalizePhone', () => {
  it('keeps other countries in E.164 and normalises Chinese mobiles', () => {
    expect(normalizePhone('+1 415 555 0100')).toBe('+14155550100');
    expect(normalizePhone('13800000004')).toBe('+8613800000004');
    expect(normalizePhone('4155550100')).toBeNull();
    expect(normalizePhone('+0123456789')).toBeNull();
  });
});
