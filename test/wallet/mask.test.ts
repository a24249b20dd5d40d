import { maskCounterparty } from '../../src/wallet/mask';

describe('maskCounterparty', () => {
  it('hides the middle of Chinese names', () => {
    expect(maskCounterparty('张晓明', 'person')).toBe('张*明');
    expect(maskCounterparty('李华', 'person')).toBe('李*');
    expect(maskCounterparty('欧阳晓明', 'person')).toBe('欧**明');
    expect(maskCounterparty('王', 'person')).toBe('*');
  });

  it('keeps only the initials of Latin names', () => {
    expect(maskCounterparty('Emily Carter', 'person')).toBe('E**** C*****');
  });

  it('keeps the last 4 digits of accounts', () => {
    expect(maskCounterparty('6214830212345678', 'account')).toBe('****5678');
    expect(maskCounterparty('6214 8302 1234 5678', 'account')).toBe('****5678');
  });

  it('reads merchants in full', () => {
    expect(maskCounterparty('美团外卖', 'merchant')).toBe('美团外卖');
  });
});
