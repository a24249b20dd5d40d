import pino from 'pino';
import { loadConfig } from '../src/config';
import { PatientTwilioGateway } from '../src/twilio/patient-twilio-gateway';
import { SimulatedTwilioGateway } from '../src/twilio/simulated-twilio-gateway';
import { createDeps } from '../src/wiring';

const log = pino({ level: 'silent' });

describe('production wiring', () => {
  it('live mode talks to Twilio through the 2-second budget (SPEC §4.1)', async () => {
    const config = loadConfig({
      TWILIO_MODE: 'live',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'live-token',
      TWILIO_FROM_NUMBER: '+8640000000000',
      PUBLIC_BASE_URL: 'https://hotline.example.test',
    });
    const deps = await createDeps(config, log);
    try {
      expect(deps.twilio).toBeInstanceOf(PatientTwilioGateway);
      expect(deps.twilio.mode).toBe('live');
    } finally {
      await deps.store.close();
    }
  });

  it('simulate mode records into the outbox at once', async () => {
    const deps = await createDeps(loadConfig({}), log);
    try {
      expect(deps.twilio).toBeInstanceOf(SimulatedTwilioGateway);
    } finally {
      await deps.store.close();
    }
  });
});
