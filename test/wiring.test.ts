import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { PatientTwilioGateway } from '../src/twilio/patient-twilio-gateway';
import { SimulatedTwilioGateway } from '../src/twilio/simulated-twilio-gateway';
import { createDeps } from '../src/wiring';
import { TEST_POSTGRES_URL } from './support/postgres';

const log = pino({ level: 'silent' });

describe('production wiring', () => {
  it('live mode talks to Twilio through the 2-second budget (SPEC §4.1); DATABASE_URL gives PostgreSQL', async () => {
    const config = loadConfig({
      TWILIO_MODE: 'live',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'live-token',
      TWILIO_FROM_NUMBER: '+8640000000000',
      PUBLIC_BASE_URL: 'https://hotline.example.test',
      DATABASE_URL: TEST_POSTGRES_URL,
    });
    const deps = await createDeps(config, log);
    try {
      expect(deps.twilio).toBeInstanceOf(PatientTwilioGateway);
      expect(deps.twilio.mode).toBe('live');
      expect(deps.recordsDb?.kind).toBe('postgres');
    } finally {
      await deps.recordsDb?.close();
      await deps.store.close();
    }
  });

  it('without configuration: simulate mode records into the outbox at once, call records in the embedded PostgreSQL under DATA_DIR', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-wiring-'));
    const deps = await createDeps(loadConfig({ DATA_DIR: dataDir }), log);
    try {
      expect(deps.twilio).toBeInstanceOf(SimulatedTwilioGateway);
      expect(deps.recordsDb?.kind).toBe('embedded');
      expect(await deps.recordsDb!.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await deps.recordsDb?.close();
      await deps.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
