import fc from 'fast-check';
import type { TwilioCallDriver } from '../../scripts/lib/twilio-call-driver';
import { readTwiml, spokenText, type Verb } from '../../scripts/lib/twiml-reader';
import { logCapture } from '../support/log-capture';
import { injectWebhook, ManualClock, prompt, someCaller, testConfig } from '../support/test-app';
import type { Evaluation } from './support/counting-wallet';
import { WALLETS, type IdentityHotline } from './support/identity-hotline';
import { twoInstances, type TwoInstances } from './support/two-instances';

/**
 * Property test of identity entry (SPEC §3) on two instances sharing one embedded store. Each run:
 * a few calls from a small pool of callers (two numbers and a withheld one) enter an identity gate
 * and then do random things, several calls in the same round at once: registered and unregistered
 * numbers, right and wrong PINs and codes, single keys, `#`/`*`/`0`, keypad garbage, silence, and
 * copies of one webhook delivered together. After every round it checks that every webhook got
 * 200 TwiML with a prompt, and the limits: wrong PINs per wallet and per caller ID, wrong codes,
 * SMS per call, per kind, per number and codes per wallet, no SMS to strangers, no identity without
 * the right PIN, no PIN or code in the logs. The seed is printed first: FC_SEED=<seed> replays it.
 */
const SEED = Number(process.env.FC_SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0);
const RUNS = Number(process.env.FC_RUNS ?? 30);
const limits = testConfig().identity;
const sms = testConfig().sms;
/** Past every lock and window: each run starts clean. */
const CLEAN_SLATE_MS = (Math.max(limits.lockMinutes, limits.velocityMinutes) + 61) * 60_000;

type Target = 'active' | 'english' | 'passwordLocked' | 'unregistered';
const UNREGISTERED = '13911113333';
const national = (target: Target) => (target === 'unregistered' ? UNREGISTERED : WALLETS[target].phone.slice(3));

/** What a caller does at one prompt; `copies` > 1 posts that webhook several times at once, as a duplicate. */
type Action =
  | { kind: 'number' | 'otherNumber' | 'pin' | 'code' | 'wrongCode' | 'garbage' | 'silence'; copies: number }
  | { kind: 'wrongPin'; pin: number; copies: number }
  | { kind: 'key'; key: string; copies: number };

const copies = fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }) });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('number' as const, 'otherNumber' as const), copies }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pin' as const), copies }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wrongPin' as const), pin: fc.integer({ min: 100_000, max: 999_999 }), copies }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('code' as const, 'wrongCode' as const), copies }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('key' as const), key: fc.constantFrom('#', '*', '0', '1', '2', '3', '9'), copies }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('garbage' as const, 'silence' as const), copies }) },
);
/** A call: who calls, which wallet they go for, the menu path into an identity gate, and their keys from there. */
const callSpec = fc.record({
  caller: fc.constantFrom(0, 1, 2),
  target: fc.constantFrom<Target>('active', 'english', 'passwordLocked', 'unregistered'),
  entry: fc.constantFrom(['2', '1'], ['1', '2'], ['1', '1'], ['1', '3']),
  // Most callers type the registered number first, so most runs get to the PIN.
  script: fc.tuple(fc.boolean(), fc.array(action, { minLength: 2, maxLength: 10 })).map(([typesNumber, rest]) =>
    typesNumber || rest.length === 0 ? [{ kind: 'number', copies: 1 } as Action, ...rest] : rest,
  ),
});
/** The calls' scripts run side by side: in round r every call does its r-th action, all at once. */
const scenario = fc.record({ calls: fc.array(callSpec, { minLength: 1, maxLength: 4 }) });

const PINS: Record<Exclude<Target, 'unregistered'>, string> = { active: WALLETS.active.pin, english: WALLETS.english.pin, passwordLocked: WALLETS.passwordLocked.pin };
const standalone = (text: string, digits: string) => new RegExp(`(?<!\\d)${digits}(?!\\d)`).test(text.replace(/CA[0-9a-f]{32}/g, 'CA…'));

describe('identity entry under generated input, duplicates and concurrency (fast-check, 2 instances, embedded store)', () => {
  const capture = logCapture();
  const clock = new ManualClock();
  let pair: TwoInstances;
  let instances: [IdentityHotline, IdentityHotline];
  let evaluations: Evaluation[];
  const coverage = { runs: 0, webhooks: 0, duplicates: 0, evaluated: 0, verified: 0, locked: 0, refused: 0, codes: 0, smsRefused: 0 };

  beforeAll(async () => {
    pair = await twoInstances('memory', { clock, logDestination: capture.stream });
    ({ instances, evaluations } = pair);
  });
  afterAll(() => pair.close());

  const wrongNotices = new Set([1, 2].flatMap((attemptsLeft) => (['zh-CN', 'en-US'] as const).map((language) => prompt('identity.pinWrong', language, { attemptsLeft }))));
  const codeWrongNotices = new Set([1, 2].flatMap((attemptsLeft) => (['zh-CN', 'en-US'] as const).map((language) => prompt('identity.codeWrong', language, { attemptsLeft }))));

  it('answers 200 TwiML to everything and keeps every identity and SMS limit', async () => {
    console.log(`identity entry fuzz seed ${SEED}: replay with FC_SEED=${SEED} npx jest test/identity/identity-entry-fuzz.test.ts`);
    await fc.assert(
      fc.asyncProperty(scenario, async ({ calls: specs }) => {
        clock.advance(CLEAN_SLATE_MS);
        coverage.runs++;
        for (const id of Object.values(WALLETS).map((wallet) => wallet.id)) await pair.store.values.delete(`wallet:state:${id}`);
        const outboxFrom = instances.map((instance) => instance.twilio.outbox().length);
        const evaluatedFrom = evaluations.length;
        const logsFrom = capture.count();
        const numbers = [someCaller(), someCaller(), 'anonymous'];
        const typedBy = new Map<string, Set<string>>();
        const wrongNoticesBy = new Map<string, number>();
        const codeWrongNoticesBy = new Map<string, number>();
        const secrets = new Set<string>(Object.values(PINS));

        const calls: TwilioCallDriver[] = [];
        for (const [index, spec] of specs.entries()) {
          const call = await instances[index % 2]!.call({ from: numbers[spec.caller]! }).dial();
          for (const key of spec.entry) await call.press(key);
          calls.push(call);
          typedBy.set(call.callSid, new Set());
        }
        /** Whose velocity count a call's wrong PINs go to: the caller ID, or the call for a stranger. */
        const callerOf = (index: number) => (specs[index]!.caller === 2 ? calls[index]!.callSid : numbers[specs[index]!.caller]!);
        const lastCode = (target: Target) =>
          target === 'unregistered' ? '000000' : (instances.flatMap((instance) => instance.codesSentTo(WALLETS[target].phone)).at(-1) ?? '000000');

        function fieldsFor(index: number, step: Action): { url: string; fields: Record<string, string> } | null {
          const call = calls[index]!;
          const gather = call.gather;
          if (step.kind === 'silence') {
            const redirect = call.verbs.find((verb): verb is Extract<Verb, { verb: 'Redirect' }> => verb.verb === 'Redirect');
            return redirect ? { url: redirect.url, fields: { CallStatus: 'in-progress' } } : null;
          }
          if (!gather) return null;
          const target = specs[index]!.target;
          const digits = {
            number: () => national(target),
            otherNumber: () => national(target === 'active' ? 'english' : 'active'),
            pin: () => (target === 'unregistered' ? '135790' : PINS[target]),
            wrongPin: () => (step.kind === 'wrongPin' && String(step.pin) !== PINS[target as 'active'] ? String(step.pin) : '999999'),
            code: () => lastCode(target),
            wrongCode: () => (lastCode(target) === '111111' ? '222222' : '111111'),
            garbage: () => '12*#9',
            key: () => (step.kind === 'key' ? step.key : ''),
          }[step.kind as Exclude<Action['kind'], 'silence'>]();
          typedBy.get(call.callSid)!.add(digits);
          return { url: gather.action, fields: { Digits: digits, CallStatus: 'in-progress' } };
        }

        const rounds = Math.max(...specs.map((spec) => spec.script.length));
        for (let round = 0; round < rounds; round++) {
          const posts = specs.flatMap((spec, index) => {
            const step = spec.script[round];
            if (!step) return [];
            const post = fieldsFor(index, step);
            return post ? [{ index, step, ...post }] : [];
          });
          const answers = await Promise.all(
            posts.map(async ({ index, step, url, fields }) => {
              const call = calls[index]!;
              const request = call.request(url, fields);
              const responses = await Promise.all(Array.from({ length: step.copies }, (_, copy) => injectWebhook(instances[(index + copy) % 2]!.app, request)));
              coverage.webhooks += step.copies;
              if (step.copies > 1) coverage.duplicates++;
              return { index, responses };
            }),
          );
          for (const { index, responses } of answers) {
            for (const response of responses) {
              // Never a 5xx (nor any refusal): always TwiML with a prompt, never a hang-up.
              expect({ status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({ status: 200, body: '' });
              const verbs = readTwiml(response.body);
              const heard = spokenText(verbs);
              expect(heard.length).toBeGreaterThan(0);
              expect(verbs.some((verb) => verb.verb === 'Hangup')).toBe(false);
              const caller = callerOf(index);
              if (wrongNotices.has(heard[0]!)) wrongNoticesBy.set(caller, (wrongNoticesBy.get(caller) ?? 0) + 1);
              if (codeWrongNotices.has(heard[0]!)) codeWrongNoticesBy.set(specs[index]!.target, (codeWrongNoticesBy.get(specs[index]!.target) ?? 0) + 1);
              if (heard[0] === prompt('identity.locked', 'zh-CN', { minutes: limits.lockMinutes })) coverage.locked++;
              if (heard[0] === prompt('identity.refused', 'zh-CN', { minutes: limits.velocityMinutes })) coverage.refused++;
            }
            calls[index]!.verbs = readTwiml(responses[0]!.body);
          }

          // Wrong PINs: per caller ID (or per withheld call) at most velocityMax - 1 are answered "wrong"
          // (the next one is refused); per wallet at most maxAttempts in a row, however they raced.
          for (const [caller, count] of wrongNoticesBy) expect({ caller, count }).toEqual({ caller, count: Math.min(count, limits.velocityMax - 1) });
          const run = evaluations.slice(evaluatedFrom);
          for (const target of ['active', 'english', 'passwordLocked'] as const) {
            const mine = run.filter((evaluation) => evaluation.walletId === WALLETS[target].id);
            const wrong = mine.filter((evaluation) => !evaluation.right).length;
            const right = mine.length - wrong;
            expect({ target, wrong }).toEqual({ target, wrong: Math.min(wrong, limits.maxAttempts * (1 + right)) });
          }
          for (const [target, count] of codeWrongNoticesBy) expect({ target, count }).toEqual({ target, count: Math.min(count, 2 * (1 + run.length)) });
        }

        // Identity only with the right PIN, typed in that very call.
        for (const [index, call] of calls.entries()) {
          const session = await instances[index % 2]!.session(call.callSid);
          if ((session?.facts.identityLevel ?? 0) > 0) {
            const target = Object.entries(WALLETS).find(([, wallet]) => wallet.id === session!.facts.walletId)![0] as Exclude<Target, 'unregistered'>;
            expect(typedBy.get(call.callSid)!.has(PINS[target])).toBe(true);
            coverage.verified++;
          }
        }
        // SMS: per call, per kind, per number, codes per wallet; never to a stranger.
        const sent = instances.flatMap((instance, i) => instance.twilio.outbox().slice(outboxFrom[i]!)).filter((entry) => entry.kind === 'sms') as Array<{ to: string; body: string; callSid?: string }>;
        const isCode = (body: string) => /\d{6}/.test(body) && (body.includes('验证码') || body.includes('hotline code'));
        for (const entry of sent) expect(entry.to).toMatch(/^\+861[3-9]\d{9}$/);
        for (const call of calls) {
          const mine = sent.filter((entry) => entry.callSid === call.callSid && !isCode(entry.body));
          expect(mine.length).toBeLessThanOrEqual(sms.maxPerCall);
          const kinds = new Map<string, number>();
          for (const entry of mine) kinds.set(entry.body.replace(/token=\S+/, ''), (kinds.get(entry.body.replace(/token=\S+/, '')) ?? 0) + 1);
          for (const [body, count] of kinds) expect({ body, count }).toEqual({ body, count: Math.min(count, body.includes('reset') || body.includes('重置') ? 2 : 1) });
        }
        const byNumber = new Map<string, number>();
        for (const entry of sent) byNumber.set(entry.to, (byNumber.get(entry.to) ?? 0) + 1);
        for (const [to, count] of byNumber) expect({ to, count }).toEqual({ to, count: Math.min(count, sms.maxPerNumberPerDay) });
        const codes = sent.filter((entry) => isCode(entry.body));
        coverage.codes += codes.length;
        for (const wallet of Object.values(WALLETS)) expect(codes.filter((entry) => entry.to === wallet.phone).length).toBeLessThanOrEqual(sms.maxCodesPerWalletPerHour);
        for (const entry of codes) secrets.add(/(\d{6})/.exec(entry.body)![1]!);

        const logs = capture.text(logsFrom);
        coverage.smsRefused += (logs.match(/"securityEvent":"sms-refused"/g) ?? []).length;
        for (const secret of secrets) expect({ secret, inLogs: standalone(logs, secret) }).toEqual({ secret, inLogs: false });
        coverage.evaluated += evaluations.length - evaluatedFrom;
        for (const call of calls) await call.hangUp();
      }),
      { seed: SEED, numRuns: RUNS },
    );

    console.log(`identity entry fuzz coverage: ${JSON.stringify(coverage)}`);
    // The generated runs did reach what they are meant to test.
    expect(coverage.runs).toBeGreaterThanOrEqual(RUNS);
    expect(coverage.duplicates).toBeGreaterThan(RUNS / 2);
    expect(coverage.evaluated).toBeGreaterThan(RUNS);
    expect(coverage.verified).toBeGreaterThan(0);
    expect(coverage.locked + coverage.refused).toBeGreaterThan(0);
  }, 180_000);
});
