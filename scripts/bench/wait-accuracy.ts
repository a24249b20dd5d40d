/**
 * How honest is the estimated wait? (issue 12, SPEC §4)
 * `npm run bench:wait [-- --seed N | --seeds a,b,c] [-- --late-weight W] [-- --between-spread S] [-- --limits] [-- --json]`
 *
 * Simulates a day of the tier1 queue on the hand-off records (embedded store: their order,
 * priorities, callbacks) with an injected clock, one-second steps, a seeded PRNG:
 *   - the evening before (17:00–21:00) and its closing: callers still waiting at 21:00 are served
 *     after closing (their waits span closed hours and must not count);
 *   - the night (21:00–09:00): callers reach the after-hours menu, about a third leave a callback
 *     request; the requests wait in the queue and are dialled from 09:00 on, ahead of the morning;
 *   - the day: arrivals (Poisson, rate by hour), lognormal talk times (median 5 min), wrap-ups,
 *     4 % urgent callers who jump ahead, patience (exponential) and hang-ups, callers who press 1
 *     after a long estimate, a lunch break, a burst of 30 extra calls in 3 minutes at 14:30 and two
 *     agents who leave at 16:00 without notice.
 * Everything random about a caller (patience, talk time, whether they press 1 when told more than
 * 30 minutes, answer a callback, the ring, the agent's wrap-up after them) is drawn when they
 * call, so what a model announces changes only what callers do about it, not the rest of the day.
 * Every waiting live caller hears an announcement when queued and every 60 s after, through the
 * waiting room (estimator → announcement memory → wording). The old model (previous-wait-model.ts,
 * fed with every connected call as the hotline once fed it) is asked the same questions at the
 * same moments, for comparison. It prints, per stretch of the day:
 *   relative error  |told − real| / max(real, 60 s) of each live answered caller's FIRST announcement
 *                   (the one-minute floor: the speech says "less than a minute", and a 5-second wait
 *                   told "less than a minute" is not a 1100 % error); also over every announcement,
 *                   against the wait that was left at that moment
 *   late > 1 min    share of callers told a number whose real wait exceeded it by more than a minute
 *                   (told as spoken: "about N minutes" → N, "less than a minute" → 1, "more than 30" → 30)
 *   largest told    the largest estimate announced, in minutes — the morning after the callbacks
 * `--late-weight W` runs the model with another weight of late callers (wait-guess.ts; default 0.5),
 * `--between-spread S` with another spread of the time between callers (0: fixed, as before);
 * `--limits` also prints what an estimate could reach on the same days (wait-accuracy-limits.ts).
 * With `--seeds a,b,c` it simulates one day per seed and prints, per stretch, the median and the
 * worst of each figure over the days (the goals hold for the worst day or they do not hold).
 * WAIT_BENCH_DUMP=<file> writes every simulated caller (announcements, real waits) to <file>.<seed>.json.
 */
import type { Redis } from 'ioredis';
import type { Tier } from '../../flows/vocabulary';
import { parseBusinessHours } from '../../src/hours/business-hours';
import type { HandoffEntry } from '../../src/handoff/record/handoff-record';
import { HandoffRecords } from '../../src/handoff/record/handoff-records';
import { DEFAULT_HANDOFF_RULES } from '../../src/handoff/record/handoff-rules';
import { MemoryHandoffStore } from '../../src/handoff/record/memory-handoff-store';
import { estimateWaitMs as previousEstimate, type WaitSample as PreviousSample } from './previous-wait-model';
import { AnnouncementMemory, type AnnouncementRecord, type AnnouncementStore } from '../../src/handoff/waiting-room/announcement-memory';
import { spokenWait } from '../../src/handoff/waiting-room/wait-announcement';
import { DEFAULT_WAIT_MODEL, type AgentNow, type WaitModelConfig } from '../../src/handoff/waiting-room/wait-estimator';
import { openAt, WaitSampleLog } from '../../src/handoff/waiting-room/wait-samples';
import { WaitAnnouncer } from '../../src/handoff/waiting-room/wait-announcer';
import { seededRandom } from '../../src/handoff/waiting-room/wait-replay';
import { percentile, round } from './figures';
import { machineInfo } from './machine-info';
import { limitsOf, type FirstAnnouncement, type SimulatorRules } from './wait-accuracy-limits';
import { goalsOf, printReport, summarise, type Day, type Figures } from './wait-accuracy-report';

const SEC = 1000;
const MIN = 60 * SEC;
const TIMEZONE = 'Asia/Shanghai';
const HOURS = parseBusinessHours('mon-sun 09:00-21:00');
const open = openAt(HOURS, TIMEZONE);
const QUEUE: Tier = 'tier1';

const args = process.argv.slice(2);
const argument = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
/** The days simulated: `--seed N` one, `--seeds a,b,c` several (then the median and worst of each figure). */
const SEEDS = (argument('--seeds') ?? argument('--seed') ?? '20260310').split(',').map(Number);
const JSON_OUT = args.includes('--json');
/** `--limits`: also what an estimate could reach on these days (wait-accuracy-limits.ts). */
const LIMITS = args.includes('--limits');

/** The day's draws, from one seed: the same seed gives the same day. */
function draws(seed: number) {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return {
    random,
    exponential: (mean: number) => -Math.log(1 - random()) * mean,
    lognormal: (median: number, sigma: number) => median * Math.exp(sigma * normal()),
    between: (low: number, high: number) => low + random() * (high - low),
  };
}

/** Local Shanghai wall-clock on the simulated day (D = Tuesday 2026-03-10); day −1 is the evening before. */
const local = (clock: string, day = 0) => Date.parse(`2026-03-${String(10 + day).padStart(2, '0')}T${clock}:00+08:00`);

// ---- the day's plan -------------------------------------------------------------------------
/** Live calls per minute, by local time. */
const ARRIVALS: Array<[from: number, to: number, perMinute: number]> = [
  [local('17:00', -1), local('21:00', -1), 1.4],
  [local('21:00', -1), local('09:00'), 0.1], // the night: after-hours menu only
  [local('09:00'), local('10:00'), 0.9],
  [local('10:00'), local('12:00'), 1.45],
  [local('12:00'), local('13:00'), 1.1],
  [local('13:00'), local('16:00'), 1.4],
  [local('16:00'), local('17:00'), 1.3],
  [local('17:00'), local('19:00'), 1.35],
  [local('19:00'), local('21:00'), 0.8],
];
const BURST = { at: local('14:30'), calls: 30, overMs: 3 * MIN };
const NIGHT_CALLBACK_SHARE = 0.35;
const URGENT_SHARE = 0.04;
const PATIENCE_MEAN_MS = 25 * MIN;
/** Told "more than 30 minutes" (callback offer first): this share presses 1. */
const LONG_WAIT_CALLBACK_SHARE = 0.4;
const TALK_MEDIAN_MS = 5 * MIN;
const TALK_SIGMA = 0.6;
const CALLBACK_ANSWER_SHARE = 0.85;
/** The agent's wrap-up after a conversation, and the ring before it (drawn uniformly within). */
const WRAP_UP_MS: [number, number] = [15 * SEC, 60 * SEC];
const CONNECT_MS: [number, number] = [3 * SEC, 8 * SEC];

/** Agents on duty: [from, to) local; an agent off duty finishes their call, then takes no more. */
const SHIFTS: Array<[from: number, to: number]> = [
  ...Array.from({ length: 8 }, (): [number, number] => [local('17:00', -1), local('21:00', -1)]),
  ...Array.from({ length: 6 }, (): [number, number] => [local('09:00'), local('21:00')]),
  [local('10:00'), local('12:00')],
  [local('10:00'), local('12:00')],
  [local('13:00'), local('19:00')],
  [local('13:00'), local('16:00')], // leaves at 16:00 without notice
  [local('13:00'), local('16:00')], // leaves at 16:00 without notice
  [local('16:30'), local('19:00')],
];
const START = local('17:00', -1);
const CLOSE_DAY = local('21:00');
/** After the last closing the queue is drained, so every caller's real wait is known. */
const END = CLOSE_DAY + 3 * 60 * MIN;

const STRETCHES: Array<[name: string, from: number, to: number]> = [
  ['evening before', local('17:00', -1), local('21:00', -1)],
  ['morning after callbacks 09-10', local('09:00'), local('10:00')],
  ['steady load 10-12', local('10:00'), local('12:00')],
  ['lunch, 3 agents off 12-13', local('12:00'), local('13:00')],
  ['afternoon + burst 13-16', local('13:00'), local('16:00')],
  ['2 agents left 16-17', local('16:00'), local('17:00')],
  ['evening 17-21', local('17:00'), local('21:00')],
  ['whole day 09-21', local('09:00'), local('21:00')],
];

// ---- the simulation -------------------------------------------------------------------------
interface Caller {
  id: string;
  arrival: number;
  urgent: boolean;
  patience: number;
  talkMs: number;
  /** Drawn at arrival, so that what one model announces never reshuffles the rest of the day. */
  pressesOneIfLong: boolean;
  answersCallback: boolean;
  connectMs: number;
  callbackConnectMs: number;
  /** The agent's wrap-up after this caller's conversation. */
  wrapUpMs: number;
  callback: boolean;
  nextAnnouncement: number;
  /** Each announcement: when, the position, the told estimate (ms, null: none), the old model's, the memory rule. */
  told: Array<{ at: number; position: number; ms: number | null; old: number | null; rule: string }>;
  answeredAt?: number;
  abandonedAt?: number;
  /** With `--limits`: what the waiting room and the simulation knew at the first announcement. */
  first?: FirstAnnouncement;
}

interface Agent {
  id: string;
  from: number;
  to: number;
  busyUntil: number;
  readyAt: number;
  talking?: { callSid: string; connectedAt: number; talkMs: number; wrapUpMs: number };
}

class MapAnnouncementStore implements AnnouncementStore {
  private readonly records = new Map<string, AnnouncementRecord>();
  async get(callSid: string) {
    return this.records.get(callSid) ?? null;
  }
  async set(callSid: string, record: AnnouncementRecord) {
    this.records.set(callSid, record);
  }
}

function entry(caller: Caller): HandoffEntry {
  return {
    callSid: caller.id,
    queue: QUEUE,
    from: '+8613800000001',
    dialable: true,
    language: 'zh-CN',
    identityLevel: 1,
    intent: 'transaction.failed',
    priority: caller.urgent ? 'urgent' : 'normal',
    enqueuedAt: caller.arrival,
  };
}

/** A callback request made now stays until well past the morning. */
const CALLBACK_EXPIRY_MS = 2 * 24 * 3600_000;

function rateAt(t: number): number {
  const stretch = ARRIVALS.find(([from, to]) => t >= from && t < to);
  let rate = stretch?.[2] ?? 0;
  if (t >= BURST.at && t < BURST.at + BURST.overMs) rate += BURST.calls / (BURST.overMs / MIN);
  return rate;
}

async function simulate(config: WaitModelConfig, seed: number, keepFirsts: boolean) {
  const { random, exponential, lognormal, between } = draws(seed);
  const clock = { now: () => now };
  const records = new HandoffRecords(new MemoryHandoffStore(clock), DEFAULT_HANDOFF_RULES, clock);
  const previousSamples: PreviousSample[] = [];
  const log = new WaitSampleLog(open);
  const agents: Agent[] = SHIFTS.map(([from, to], i) => ({ id: `agent-${i + 1}`, from, to, busyUntil: 0, readyAt: from }));
  // What the stores would tell: agents on shift are available (one whose shift ended finishes their
  // call and takes no more), busy for as long as they have talked, or free (also while wrapping up).
  const onDuty = (t: number): AgentNow[] =>
    agents.filter((a) => t >= a.from && t < a.to).map((a) => ({ busyForMs: a.talking ? Math.max(0, t - a.talking.connectedAt) : null }));
  const room = new WaitAnnouncer({
    samples: log,
    queuesNow: async (t) => ({
      [QUEUE]: { agents: onDuty(t), onLine: (await records.list(QUEUE, config.maxPlaces)).map((record) => record.state === 'waiting') },
    }),
    memory: new AnnouncementMemory(new MapAnnouncementStore()),
    config,
  });
  const callers = new Map<string, Caller>();
  // The model's inputs as the room reads them this second, and when each agent will next take a caller.
  const firstAnnouncement = async (caller: Caller, position: number): Promise<FirstAnnouncement> => {
    const serving = agents.filter((a) => now >= a.from && now < a.to);
    return {
      at: now,
      position,
      urgent: caller.urgent,
      input: { ...log.figures(QUEUE), agents: onDuty(now), onLine: (await records.list(QUEUE, config.maxPlaces)).map((record) => record.state === 'waiting') },
      truth: serving.map((a) => ({ readyInMs: a.talking ? a.busyUntil + a.talking.wrapUpMs - now : Math.max(0, a.readyAt - now), shiftEndsInMs: a.to - now })),
    };
  };
  const waitingLive = new Set<Caller>();
  let now = START;
  let seq = 0;

  for (; now < END; now += SEC) {
    // Arrivals: a live caller during open hours, the after-hours menu otherwise.
    const rate = rateAt(now);
    if (rate > 0 && random() < rate / 60) {
      const caller: Caller = {
        id: `CA${String(++seq).padStart(5, '0')}`,
        arrival: now,
        urgent: random() < URGENT_SHARE,
        patience: exponential(PATIENCE_MEAN_MS),
        talkMs: Math.min(40 * MIN, Math.max(30 * SEC, lognormal(TALK_MEDIAN_MS, TALK_SIGMA))),
        pressesOneIfLong: random() < LONG_WAIT_CALLBACK_SHARE,
        answersCallback: random() <= CALLBACK_ANSWER_SHARE,
        connectMs: between(...CONNECT_MS),
        callbackConnectMs: between(8 * SEC, 20 * SEC),
        wrapUpMs: between(...WRAP_UP_MS),
        callback: false,
        nextAnnouncement: now,
        told: [],
      };
      if (open(new Date(now))) {
        callers.set(caller.id, caller);
        await records.enqueue(entry(caller));
        waitingLive.add(caller);
      } else if (random() < NIGHT_CALLBACK_SHARE) {
        caller.callback = true;
        callers.set(caller.id, caller);
        await records.enqueue(entry(caller), now + CALLBACK_EXPIRY_MS);
      }
    }

    // Conversations that end; the agent wraps up before taking the next caller.
    for (const agent of agents) {
      if (agent.talking && agent.busyUntil <= now) {
        log.recordHandle({ queue: QUEUE, endedAt: now, handleMs: agent.talking.talkMs });
        await records.callerHungUp(agent.talking.callSid);
        agent.readyAt = now + agent.talking.wrapUpMs;
        agent.talking = undefined;
      }
    }

    // Hang-ups of live callers out of patience.
    for (const caller of waitingLive) {
      if (now - caller.arrival >= caller.patience) {
        waitingLive.delete(caller);
        caller.abandonedAt = now;
        await records.callerHungUp(caller.id);
        log.recordHangUp({ queue: QUEUE, hungUpAt: now, waitedMs: now - caller.arrival });
      }
    }

    // Free agents on duty claim the head of the queue (callbacks are dialled: ring, maybe no answer).
    for (const agent of agents) {
      if (agent.talking || now < agent.readyAt || now < agent.from || now >= agent.to) continue;
      const claimed = await records.claim(agent.id, [QUEUE]);
      if (claimed.kind !== 'claimed') continue;
      const caller = callers.get(claimed.record.callSid)!;
      const isCallback = claimed.record.state === 'callback-dialling';
      if (isCallback && !caller.answersCallback) {
        await records.bridgeFailed(caller.id, claimed.token, true);
        agent.readyAt = now + 30 * SEC;
        continue;
      }
      const connectedAt = now + (isCallback ? caller.callbackConnectMs : caller.connectMs);
      await records.answered(caller.id, claimed.token);
      // The previous model learnt from every connected call, callbacks too.
      previousSamples.unshift({ at: now, waitedMs: claimed.waitedMs });
      previousSamples.length = Math.min(previousSamples.length, 50);
      // The new path: the rule decides (callbacks and waits across closed hours are left out).
      log.recordAnswer({ queue: QUEUE, answeredAt: now, waitedMs: claimed.waitedMs, callbackRequested: isCallback });
      caller.answeredAt = now;
      waitingLive.delete(caller);
      agent.talking = { callSid: caller.id, connectedAt, talkMs: caller.talkMs, wrapUpMs: caller.wrapUpMs };
      agent.busyUntil = connectedAt + caller.talkMs;
    }

    // The wait URL: each live caller hears an announcement when queued and every 60 s after.
    for (const caller of waitingLive) {
      if (now < caller.nextAnnouncement) continue;
      caller.nextAnnouncement = now + MIN;
      const place = await records.position({ queue: QUEUE, callSid: caller.id });
      if (!place) continue;
      const first = keepFirsts && caller.told.length === 0 ? await firstAnnouncement(caller, place.position) : undefined;
      const heard = await room.announce(caller.id, { queue: QUEUE, position: place.position }, now);
      if (first && heard.modelEstimateMs !== null) caller.first = first;
      const old = previousEstimate(previousSamples, place.position);
      caller.told.push({ at: now, position: place.position, ms: heard.decision.announcement.estimateMs, old, rule: heard.decision.rule });
      if (spokenWait(heard.decision.announcement.estimateMs).kind === 'moreThan' && caller.pressesOneIfLong) {
        await records.requestCallback(caller.id, now + CALLBACK_EXPIRY_MS);
        caller.callback = true;
        waitingLive.delete(caller);
      }
    }
  }
  return [...callers.values()];
}

// ---- the figures ----------------------------------------------------------------------------
/** The rules of this simulation, for `--limits`. */
const SIMULATOR_RULES: SimulatorRules = {
  wrapUpMs: WRAP_UP_MS,
  connectMs: CONNECT_MS,
  patienceMeanMs: PATIENCE_MEAN_MS,
  urgentShare: URGENT_SHARE,
  arrivalsPerMs: (at) => rateAt(at) / MIN,
};

/** The first announcements (with a number) of the live callers answered who arrived in [from, to), with their real waits. */
function firstsIn(all: Caller[], from: number, to: number) {
  return all
    .filter((c) => c.arrival >= from && c.arrival < to && c.first && c.answeredAt !== undefined && !c.callback)
    .map((c) => ({ one: c.first!, realMs: c.answeredAt! - c.arrival }));
}

const toldAsSpokenMs = (ms: number): number => {
  const spoken = spokenWait(ms);
  if (spoken.kind === 'lessThanMinute') return MIN;
  if (spoken.kind === 'none') return NaN;
  return spoken.minutes * MIN;
};
const relativeError = (told: number, real: number) => Math.abs(told - real) / Math.max(real, MIN);

function figures(all: Caller[], from: number, to: number): Figures {
  const arrived = all.filter((c) => c.arrival >= from && c.arrival < to && c.told.length > 0);
  // Real waits are known for live callers who were answered while still live (not turned callback).
  const answered = arrived.filter((c) => c.answeredAt !== undefined && !c.callback);
  const errors = (pick: (t: Caller['told'][number]) => number | null) => {
    const first: number[] = [];
    const every: number[] = [];
    let late = 0;
    let toldNumber = 0;
    for (const caller of answered) {
      const real = caller.answeredAt! - caller.arrival;
      const head = caller.told[0]!;
      const told = pick(head);
      if (told !== null) {
        toldNumber += 1;
        first.push(relativeError(told, real));
        if (real - toldAsSpokenMs(told) > MIN) late += 1;
      }
      for (const t of caller.told) {
        const value = pick(t);
        if (value !== null) every.push(relativeError(value, caller.answeredAt! - t.at));
      }
    }
    first.sort((a, b) => a - b);
    every.sort((a, b) => a - b);
    return {
      medianError: round(percentile(first, 50), 2),
      p90Error: round(percentile(first, 90), 2),
      lateOverOneMinute: round(toldNumber === 0 ? NaN : late / toldNumber, 3),
      everyMedian: round(percentile(every, 50), 2),
      everyP90: round(percentile(every, 90), 2),
      toldNoNumber: answered.length - toldNumber,
    };
  };
  const largest = (pick: (t: Caller['told'][number]) => number | null) =>
    round(Math.max(0, ...arrived.flatMap((c) => c.told.map(pick).filter((ms): ms is number => ms !== null))) / MIN, 1);
  const now = errors((t) => t.ms);
  const old = errors((t) => t.old);
  const rules: Record<string, number> = {};
  for (const caller of arrived) for (const t of caller.told) rules[t.rule] = (rules[t.rule] ?? 0) + 1;
  const realWaits = answered.map((c) => c.answeredAt! - c.arrival).sort((a, b) => a - b);
  return {
    callers: arrived.length,
    answeredLive: answered.length,
    abandoned: arrived.filter((c) => c.abandonedAt !== undefined).length,
    toldNoNumber: now.toldNoNumber,
    medianRealWaitMin: round(percentile(realWaits, 50) / MIN, 1),
    firstAnnouncement: { medianError: now.medianError, p90Error: now.p90Error, lateOverOneMinute: now.lateOverOneMinute },
    everyAnnouncement: { medianError: now.everyMedian, p90Error: now.everyP90 },
    largestToldMin: largest((t) => t.ms),
    old: { medianError: old.medianError, p90Error: old.p90Error, lateOverOneMinute: old.lateOverOneMinute, largestToldMin: largest((t) => t.old) },
    rules,
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const lateWeight = argument('--late-weight');
  const spread = argument('--between-spread');
  const config: WaitModelConfig = {
    ...DEFAULT_WAIT_MODEL,
    ...(lateWeight === undefined ? {} : { lateWeight: Number(lateWeight) }),
    ...(spread === undefined ? {} : { betweenCallsSpread: Number(spread) }),
  };
  const days: Day[] = [];
  for (const seed of SEEDS) {
    const dayStarted = Date.now();
    const all = await simulate(config, seed, LIMITS);
    if (process.env.WAIT_BENCH_DUMP) (await import('node:fs')).writeFileSync(`${process.env.WAIT_BENCH_DUMP}.${seed}.json`, JSON.stringify(all));
    const night = all.filter((c) => c.arrival >= local('21:00', -1) && c.arrival < local('09:00'));
    const results = STRETCHES.map(([name, from, to]) => ({ name, ...figures(all, from, to) }));
    const limits = LIMITS ? Object.fromEntries(STRETCHES.map(([name, from, to]) => [name, limitsOf(firstsIn(all, from, to), config, SIMULATOR_RULES)])) : undefined;
    days.push({ seed, nightCallbackRequests: night.length, results, limits, simulatedInMs: Date.now() - dayStarted });
  }
  const noRedis = { info: async () => 'redis_version:not-used' } as unknown as Redis;
  const machine = { ...(await machineInfo(noRedis)), redis: 'not used (the bench needs no Redis)' };
  const summary = summarise(days);
  const report = { seeds: SEEDS, model: config, days, summary, goals: goalsOf(summary, days), machine, seconds: round((Date.now() - startedAt) / 1000, 1) };
  if (JSON_OUT) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
}
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
