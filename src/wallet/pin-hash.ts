import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * PINs are kept only as salted scrypt hashes: "scrypt$<saltB64>$<hashB64>". The cost parameters
 * are Node's defaults (N=16384, r=8, p=1), fixed here because the format does not carry them.
 * The async scrypt runs on the libuv pool, so a PIN check never blocks other calls' webhooks.
 */
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

const SALT_BYTES = 16;
const KEY_BYTES = 32;

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(pin, salt, KEY_BYTES);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time compare; false for anything malformed, so a bad record can never throw mid-call. */
export async function verifyPinHash(pin: string, stored: string): Promise<boolean> {
  try {
    if (typeof pin !== 'string' || typeof stored !== 'string') return false;
    const [scheme, saltB64, hashB64, ...rest] = stored.split('$');
    if (scheme !== 'scrypt' || saltB64 === undefined || hashB64 === undefined || rest.length > 0) return false;
    const salt = Buffer.from(saltB64, 'base64');
    const expected = Buffer.from(hashB64, 'base64');
    if (salt.length !== SALT_BYTES || expected.length !== KEY_BYTES) return false;
    const actual = await scryptAsync(pin, salt, KEY_BYTES);
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
