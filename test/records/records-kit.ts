import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { readTwiml } from '../../scripts/lib/twiml-reader';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { CallRecordsDb } from '../../src/records/call-records-db';
import type { RecordsModule } from '../../src/records/records-module';
import type { RecordStream } from '../../src/store/record-stream';
import { bearer } from '../agent-api/agent-test-kit';
import { startTestHotline, type TestHotline, type TestHotlineOptions } from '../support/test-app';
import type { TestDatabase } from '../support/postgres';

/** A hotline whose app writes its call records into `database` (its own worker, short pauses). */
export interface RecordsHotline extends TestHotline {
  records: TestHotline['records'];
  callRecords: CallRecordsDb;
  /** The app's own records module (worker, quiet hours, history). */
  module: RecordsModule;
  /** Waits until every fact appended so far is in the database. */
  settle(timeoutMs?: number): Promise<void>;
  claim(token: string): Promise<LightMyRequestResponse>;
  available(token: string): Promise<void>;
  /** The agent's leg answers the dial of the newest call update (a live caller) or outbound call (a callback). */
  agentAnswers(kind?: 'call-update' | 'call'): Promise<{ action: string }>;
  wrapUp(token: string, callSid: string, note: string): Promise<LightMyRequestResponse>;
  waitingCaller(from?: string): Promise<TwilioCallDriver>;
}

export async function settleStream(stream: RecordStream, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await stream.lag()).backlog > 0) {
    if (Date.now() > until) throw new Error(`records not written within ${timeoutMs} ms: ${JSON.stringify(await stream.lag())}`);
    await sleep(25);
  }
}

export async function startRecordsHotline(database: TestDatabase, options: TestHotlineOptions = {}): Promise<RecordsHotline> {
  const hotline = await startTestHotline({
    ...options,
    deps: { recordsDb: database.db, recordsWorker: { pollMs: 20, maxBackoffMs: 200 }, ...options.deps },
  });
  const outbox = (kind: string) => hotline.twilio.outbox().filter((entry) => entry.kind === kind);
  const inject = hotline.app.inject.bind(hotline.app);
  return {
    ...hotline,
    callRecords: new CallRecordsDb(database.db),
    module: hotline.app.getDecorator<RecordsModule>('records'),
    settle: (timeoutMs) => settleStream(hotline.store.records, timeoutMs),
    claim: (token) => inject({ method: 'POST', url: '/agent/claims', headers: bearer(token) }),
    available: async (token) => {
      const response = await inject({ method: 'PUT', url: '/agent/availability', headers: bearer(token), payload: { available: true } });
      expect(response.statusCode).toBe(200);
    },
    agentAnswers: async (kind = 'call-update') => {
      const twiml = (outbox(kind).at(-1) as { twiml: string }).twiml;
      const dial = readTwiml(twiml).find((verb) => verb.verb === 'Dial') as { action: string };
      const answeredUrl = /url="([^"]+)"/.exec(twiml)![1]!.replace(/&amp;/g, '&');
      const leg = hotline.call({ to: 'client:agent' });
      await leg.send(answeredUrl, { CallStatus: 'in-progress' });
      expect(leg.verbs).toEqual([]);
      return dial;
    },
    wrapUp: (token, callSid, note) =>
      inject({ method: 'POST', url: `/agent/calls/${callSid}/wrap-up`, headers: bearer(token), payload: { note, resolved: true } }),
    waitingCaller: async (from) => {
      const call = await hotline.call(from ? { from } : {}).dial();
      await call.press('0');
      return call;
    },
  };
}
