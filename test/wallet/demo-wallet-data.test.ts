import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DEMO_WALLETS_FILE, loadDemoWallets } from '../../src/wallet/demo-wallet-data';

const directory = mkdtempSync(join(tmpdir(), 'demo-wallets-'));

function fileWith(content: string): string {
  const file = join(directory, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return file;
}

const shipped = JSON.parse(readFileSync(DEFAULT_DEMO_WALLETS_FILE, 'utf8'));

describe('demo wallet data file', () => {
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('loads the shipped file', () => {
    const phones = loadDemoWallets().wallets.map((wallet) => wallet.phone);
    expect(phones).toEqual(expect.arrayContaining(['+8613800000001', '+8613800000002', '+8613800000003', '+8613800000004']));
  });

  it('keeps PINs only as hashes', () => {
    const text = readFileSync(DEFAULT_DEMO_WALLETS_FILE, 'utf8');
    for (const pin of ['123456', '654321', '111222', '246810']) expect(text).not.toContain(`"${pin}"`);
  });

  it('names the file when it is not JSON', () => {
    const file = fileWith('{ wallets: ');
    expect(() => loadDemoWallets(file)).toThrow(`demo wallet file ${file} cannot be read as JSON`);
  });

  it('says which field is wrong', () => {
    const broken = structuredClone(shipped);
    broken.wallets[0].transactions[0].amountFen = 12.5;
    expect(() => loadDemoWallets(fileWith(JSON.stringify(broken)))).toThrow(/invalid[\s\S]*amountFen/);
  });

  it('rejects a wallet without a PIN hash', () => {
    const broken = structuredClone(shipped);
    broken.wallets[1].pinHash = '654321';
    expect(() => loadDemoWallets(fileWith(JSON.stringify(broken)))).toThrow(/pinHash/);
  });

  it('rejects two wallets with one phone number', () => {
    const broken = structuredClone(shipped);
    broken.wallets[1].phone = broken.wallets[0].phone;
    expect(() => loadDemoWallets(fileWith(JSON.stringify(broken)))).toThrow('duplicate wallet phone +8613800000001');
  });
});
