import { hashPin, verifyPinHash } from '../../src/wallet/pin-hash';

describe('pin hashes', () => {
  it('stores scrypt$salt$hash with a 16-byte salt and never the PIN itself', async () => {
    const stored = await hashPin('123456');
    const [scheme, salt, hash] = stored.split('$');
    expect(scheme).toBe('scrypt');
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64')).toHaveLength(32);
    expect(stored).not.toContain('123456');
  });

  it('salts every hash differently', async () => {
    const [first, second] = await Promise.all([hashPin('123456'), hashPin('123456')]);
    expect(first).not.toBe(second);
    await expect(verifyPinHash('123456', first)).resolves.toBe(true);
    await expect(verifyPinHash('123456', second)).resolves.toBe(true);
  });

  it('accepts the right PIN and rejects others', async () => {
    const stored = await hashPin('246810');
    await expect(verifyPinHash('246810', stored)).resolves.toBe(true);
    await expect(verifyPinHash('246811', stored)).resolves.toBe(false);
    await expect(verifyPinHash('', stored)).resolves.toBe(false);
    await expect(verifyPinHash('2468100', stored)).resolves.toBe(false);
  });

  it('answers false, never throws, for malformed stored values', async () => {
    const good = await hashPin('111222');
    const [, salt, hash] = good.split('$');
    const malformed = [
      '',
      'garbage',
      `bcrypt$${salt}$${hash}`,
      `scrypt$${salt}`,
      `scrypt$${salt}$${hash}$extra`,
      `scrypt$${Buffer.alloc(8).toString('base64')}$${hash}`,
      `scrypt$${salt}$${Buffer.alloc(16).toString('base64')}`,
      `scrypt$$`,
    ];
    for (const stored of malformed) await expect(verifyPinHash('111222', stored)).resolves.toBe(false);
    await expect(verifyPinHash(undefined as unknown as string, good)).resolves.toBe(false);
    await expect(verifyPinHash('111222', null as unknown as string)).resolves.toBe(false);
  });
});
