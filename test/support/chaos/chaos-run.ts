import type { Redis } from 'ioredis';
import pino from 'pino';
import { connectRedis } from '../../../src/store/redis-connection';
import { CallbackFailures } from '../../../src/handoff/callbacks/callback-failures';
import { HandoffSweeper } from '../../../src/handoff/handoff-sweeper';
import { handoffKeys } from '../../../src/handoff/record/handoff-keys';
import { INDEX_NAMES, type IndexName } from '../../../src/handoff/record/handoff-plan';
import { decodeRecord, HELD_STATES, type HandoffRecord } from '../../../src/handoff/record/handoff-record';
import {
  callFields,
  dialEndedFields,
  digitsFields,
  queueResultFields,
  queueSidFor,
  signedRequest,
  completedStatusFields,
  queueWaitFields,
  type TwilioRequest,
} from '../../../scripts/lib/twilio-form';
import { firstVerb, readTwiml, type Verb } from '../../../scripts/lib/twiml-reader';
import { ManualScheduler } from '../manual-scheduler';
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from '../redis';
import { catalogue, injectWebhook, ManualClock, startTestHotline, TEST_AUTH_TOKEN, TEST_BASE_URL, type TestHotline } from '../test-app';
import { AGENTS, INSTANCES, TOKENS, type Command, type Delivery, type Scenario } from './chaos-commands';
import { ChaosTwilio, newSid, type ChaosGateway } from './chaos-twilio';

const WAIT_URL = `${TEST_BASE_URL}/voice/queue/wait`;
const WAIT_KEY_URL = `${TEST_BASE_URL}/voice/queue/wait-key`;
const LEFT_URL = `${TEST_BASE_URL}/voice/queue/left`;
const STATUS_URL = `${TEST_BASE_URL}/voice/status`;
const HOTLINE_NUMBER = '+8640000000000';
/** Twilio's hold-music loop: a waiting caller's wait URL is requested at least this often. */
const WAIT_LOOP_MS = 60_000;
const AGENT_RING_MS = 20_000;
const CALLBACK_RING_MS = 30_000;
/**
 * The keys allowed to live without a TTL: the hand-off's six sorted sets (the two queues and the
 * lease, heartbeat, retry and expiry timers), shared by every call, whose members every step that
 * ends a call removes; the set of available agents, bounded by the agents file; and the call
 * records' stream, which the records worker empties (bounded by MAXLEN; no worker runs here).
 * Every other key (records, agents' one-call keys, sessions, call legs, wait samples, history)
 * must expire.
 */
const LONG_LIVED = (prefix: string) =>
  new Set([...INDEX_NAMES.map((name) => handoffKeys(prefix).index(name)), `${prefix}agents:available`, handoffKeys(prefix).records]);

export class ChaosViolation extends Error {
  override name = 'ChaosViolation';
}

/** One Twilio call: a caller's inbound call, or a callback's outbound leg. */
interface Call {
  sid: string;
  caller: Caller;
  leg: boolean;
  /** A callback leg the caller answered: from then on it is the caller's call (SPEC §4.1), its hang-up theirs. */
  pickedUp: boolean;
  from: string;
  to: string;
  on: boolean;
  phase: 'new' | 'menu' | 'queued' | 'ringing' | 'dialling' | 'bridged' | 'survey' | 'elsewhere' | 'over';
  gather?: string;
  waitGather: boolean;
  lastWaitAt: number;
  ringSince: number;
  twiml?: string;
  dial?: { answerUrl: string; action: string; since: number; ringMs: number; agentId: string; answered: boolean };
}

interface Caller {
  idx: number;
  sid: string;
  from: string;
  inbound: Call;
  legs: Call[];
  dialled: boolean;
  /** Heard an <Enqueue>: must have exactly one record. */
  enqueued: boolean;
  /** An agent's answer connected this caller (the agent-answered webhook said so). */
  connected: boolean;
  /** A hang-up webhook of the caller's own call (the inbound call, or a callback leg they picked up) reached an instance. */
  hangUpDelivered: boolean;
  /** The caller's own call ended and no webhook told us so at once (late, lost, or answered 503). */
  hangUpLate: boolean;
  /** Twilio refused an update of this call for good (it had just hung up). */
  refused: boolean;
  /** What our records believe may differ from where Twilio holds the call (a refused move, a failure inside a webhook). */
  diverged: boolean;
}

interface Pending {
  request: TwilioRequest;
  call: Call;
  kind: 'status' | 'action' | 'dial-action';
}

type Inject = Awaited<ReturnType<TestHotline['app']['inject']>>;

export interface RunOptions {
  log?: (line: string) => void;
  /** Print every command as it runs. */
  verbose?: boolean;
}

export interface RunStats {
  commands: number;
  callers: number;
  claims: number;
  connected: number;
  wrapUps: number;
  endReasons: Record<string, number>;
  foreverKeys: string[];
  /** Agent API answers, as `claim 200`: how often each happened. */
  answers: Record<string, number>;
}

/**
 * One chaos run: INSTANCES app instances on one Redis prefix and one clock, the three demo
 * agents, `scenario.callers` callers, Twilio played by this model (signed webhooks, call updates
 * and callbacks taken from the gateways, ring timeouts and hold-music loops on the clock), the
 * commands in order, then every open call driven to its end. Throws ChaosViolation on the first
 * broken invariant; returns what happened.
 */
export async function runChaos(scenario: Scenario, options: RunOptions = {}): Promise<RunStats> {
  const run = new ChaosRun(scenario, options);
  try {
    await run.start();
    return await run.play();
  } finally {
    await run.close();
  }
}

class ChaosRun {
  private readonly prefix = uniquePrefix('chaos');
  private readonly clock = new ManualClock();
  /** The instances' background retries, run when the model's clock passes their time (never by wall-clock time). */
  private readonly scheduler = new ManualScheduler(this.clock);
  private readonly twilio = new ChaosTwilio();
  private hotlines: TestHotline[] = [];
  private gateways: ChaosGateway[] = [];
  private clients: Redis[] = [];
  private sweepers: HandoffSweeper[] = [];
  private control!: Redis;
  private readonly callers: Caller[] = [];
  private readonly calls = new Map<string, Call>();
  private pending: Pending[] = [];
  private readonly history: TwilioRequest[] = [];
  private eventCursor = 0;
  private step = 0;
  private readonly wrapUps = new Map<string, { note: string; agentId: string }>();
  private readonly stats: RunStats = { commands: 0, callers: 0, claims: 0, connected: 0, wrapUps: 0, endReasons: {}, foreverKeys: [], answers: {} };
  private readonly keys = handoffKeys(this.prefix);
  private readonly log = pino({ level: 'silent' });
  /** Set while a command runs concurrently with a dropped connection or another command: its own effects are checked loosely. */
  private loose = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: RunOptions,
  ) {}

  async start(): Promise<void> {
    this.control = await connectRedis(TEST_REDIS_URL, { commandTimeout: 5000, enableOfflineQueue: true });
    // The sweeps are commands of the run, on the instance the run picks: the apps' own timers stay off.
    const start = HandoffSweeper.prototype.start;
    HandoffSweeper.prototype.start = () => undefined;
    try {
      for (let n = 0; n < INSTANCES; n++) {
        // The tests' generous command timeout: a loaded machine must not fail commands the model did not drop.
        const redis = await testRedis();
        const gateway = this.twilio.gateway(this.clock);
        const logs = process.env.CHAOS_APP_LOG ? { logDestination: process.stderr, logLevel: process.env.CHAOS_APP_LOG } : {};
        const hotline = await startTestHotline({ prefix: this.prefix, redis, clock: this.clock, deps: { twilio: gateway, scheduler: this.scheduler }, ...logs });
        this.clients.push(redis);
        this.gateways.push(gateway);
        this.hotlines.push(hotline);
        this.sweepers.push(new HandoffSweeper(hotline.records, new CallbackFailures(hotline.sms, this.log), this.clock, this.log));
      }
    } finally {
      HandoffSweeper.prototype.start = start;
    }
    this.twilio.onInjectedHangUp = (sid) => this.injectedHangUp(sid);
    for (let k = 0; k < this.scenario.callers; k++) {
      // Deterministic, so callers queued at the same instant keep the same order (Redis breaks ties by member) when a run is replayed.
      const sid = `CA${String(k).padStart(4, '0')}${'c0ffee'.repeat(5).slice(0, 28)}`;
      // Every seventh caller has Twilio's invalid magic number: a callback to it fails for good.
      const from = k % 7 === 3 ? '+15005550001' : `+86139${String(10_000_000 + k * 7919).slice(-8)}`;
      const caller = { idx: k, sid, from, legs: [], dialled: false, enqueued: false, connected: false, hangUpDelivered: false, hangUpLate: false, refused: false, diverged: false } as unknown as Caller;
      caller.inbound = this.newCall(sid, caller, false, from, HOTLINE_NUMBER);
      this.callers.push(caller);
    }
    for (const [n, token] of TOKENS.entries()) {
      const response = await this.api(n, 'PUT', '/agent/availability', token, { available: true });
      if (response.statusCode !== 200) throw new Error(`availability answered ${response.statusCode}`);
    }
  }

  async close(): Promise<void> {
    for (const hotline of this.hotlines) await hotline.close().catch(() => undefined);
    for (const redis of this.clients) redis.disconnect();
    if (this.control) {
      await deletePrefix(this.control, this.prefix).catch(() => undefined);
      await this.control.quit().catch(() => undefined);
    }
  }

  async play(): Promise<RunStats> {
    for (const command of this.scenario.commands) {
      this.step += 1;
      if (this.options.verbose) this.options.log?.(`#${this.step} ${JSON.stringify(command)}`);
      this.loose = false;
      await this.execute(command);
      await this.settle();
      await this.checkSnapshot(command);
      this.stats.commands += 1;
    }
    await this.finish();
    return this.stats;
  }

  // ─── Twilio's side ─────────────────────────────────────────────────────────

  private newCall(sid: string, caller: Caller, leg: boolean, from: string, to: string): Call {
    const call: Call = { sid, caller, leg, pickedUp: false, from, to, on: true, phase: leg ? 'ringing' : 'new', waitGather: false, lastWaitAt: 0, ringSince: this.clock.now() };
    this.calls.set(sid, call);
    return call;
  }

  private request(call: Call, url: string, fields: Record<string, string>): TwilioRequest {
    return signedRequest(TEST_AUTH_TOKEN, url, callFields({ callSid: call.sid, from: call.from, to: call.to }, fields));
  }

  private async post(i: number, request: TwilioRequest): Promise<{ status: number; verbs: Verb[] }> {
    this.history.push(request);
    const response = await injectWebhook(this.hotlines[i % INSTANCES]!.app, request);
    const verbs = response.statusCode === 200 && response.body.startsWith('<') ? readTwiml(response.body) : [];
    if (this.options.verbose) {
      const { CallSid, Digits, QueueResult, DialCallStatus, CallStatus } = request.form;
      const fields = Object.entries({ Digits, QueueResult, DialCallStatus, CallStatus }).filter(([, value]) => value !== undefined);
      this.options.log?.(`   ${i % INSTANCES}> ${request.url.slice(TEST_BASE_URL.length, TEST_BASE_URL.length + 60)} ${CallSid} ${fields.map(([k, v]) => `${k}=${v}`).join(' ')} → ${response.statusCode} ${verbs.map((verb) => verb.verb).join(',')}`);
    }
    return { status: response.statusCode, verbs };
  }

  private async send(i: number, call: Call, url: string, fields: Record<string, string>) {
    return this.post(i, this.request(call, url, fields));
  }

  /** Twilio runs a TwiML document on the call (`inQueue`: the wait URL's, run while still queued). */
  private async follow(i: number, call: Call, verbs: Verb[], inQueue = false, depth = 0): Promise<void> {
    if (!call.on) return;
    const has = (name: string) => verbs.some((verb) => verb.verb === name);
    const gather = firstVerb(verbs, 'Gather');
    const enqueue = firstVerb(verbs, 'Enqueue');
    const redirect = firstVerb(verbs, 'Redirect');
    if (has('Hangup')) return this.hotlineHangsUp(i, call);
    if (inQueue) {
      if (has('Leave')) {
        call.phase = 'menu';
        const left = await this.send(i, call, LEFT_URL, queueResultFields(queueSidFor(call.sid), 'leave', 10));
        return this.follow(i, call, left.verbs, false, depth + 1);
      }
      call.waitGather = gather !== undefined;
      return;
    }
    if (enqueue) {
      call.phase = 'queued';
      call.dial = undefined;
      if (!call.leg) call.caller.enqueued = true;
      return this.waitUrl(i, call);
    }
    if (firstVerb(verbs, 'Dial')) {
      call.phase = 'elsewhere';
      call.caller.diverged = true;
      return;
    }
    if (gather) {
      call.phase = gather.action.includes('/voice/survey') ? 'survey' : 'menu';
      call.gather = gather.action;
      return;
    }
    if (redirect && depth < 4) {
      const next = await this.send(i, call, redirect.url, { CallStatus: 'in-progress' });
      return this.follow(i, call, next.verbs, false, depth + 1);
    }
    // The document ran out: Twilio ends the call.
    return this.hotlineHangsUp(i, call);
  }

  private async waitUrl(i: number, call: Call): Promise<void> {
    call.lastWaitAt = this.clock.now();
    const wait = await this.send(i, call, WAIT_URL, queueWaitFields({ queueSid: queueSidFor(call.sid), position: 1, queueTimeSeconds: 5, size: 1 }));
    await this.follow(i, call, wait.verbs, true);
  }

  /** The hotline's TwiML ended the call: Twilio reports it at once. */
  private async hotlineHangsUp(i: number, call: Call): Promise<void> {
    await this.callEnds(i, call, 'completed', 'now', 'lost');
  }

  /**
   * The call ends on Twilio's side now; the webhooks that tell us so are delivered now, later, or
   * never. A queued call's `<Enqueue action>` says `hangup`; a call in a `<Dial>` gets its action.
   */
  private async callEnds(i: number, call: Call, status: string, statusDelivery: Delivery | 'dup', actionDelivery: Delivery): Promise<void> {
    if (!call.on) return;
    const phase = call.phase;
    call.on = false;
    call.phase = 'over';
    this.twilio.ended.add(call.sid);
    const webhooks: Array<{ pending: Pending; delivery: Delivery }> = [];
    if (phase === 'queued') {
      webhooks.push({ pending: { request: this.request(call, LEFT_URL, queueResultFields(queueSidFor(call.sid), 'hangup', 30)), call, kind: 'action' }, delivery: actionDelivery });
    } else if ((phase === 'dialling' || phase === 'bridged') && call.dial) {
      const dialStatus = call.dial.answered ? 'completed' : 'canceled';
      // The caller's call is over: the <Dial action> says so only in CallStatus (the hotline does not read it; the status callback tells).
      const fields = { ...dialEndedFields(dialStatus, 30), CallStatus: 'completed' };
      webhooks.push({ pending: { request: this.request(call, call.dial.action, fields), call, kind: 'dial-action' }, delivery: actionDelivery });
    }
    const statusRequest = this.request(call, STATUS_URL, status === 'completed' ? completedStatusFields(30) : { CallStatus: status });
    webhooks.push({ pending: { request: statusRequest, call, kind: 'status' }, delivery: statusDelivery === 'dup' ? 'now' : statusDelivery });
    if (statusDelivery === 'dup') this.pending.push({ request: statusRequest, call, kind: 'status' });
    let told = false;
    for (const { pending, delivery } of webhooks) {
      // An action webhook that failed inside still answers 200 (fallback TwiML): only a status callback says for sure (503 otherwise).
      if (delivery === 'now') told = ((await this.deliver(i, pending)) && (pending.kind === 'status' || (pending.kind === 'action' && !this.loose))) || told;
      else if (delivery === 'late') this.pending.push(pending);
    }
    if (!told && callersOwn(call)) call.caller.hangUpLate = true;
  }

  /** Whether the webhook was taken (2xx). */
  private async deliver(i: number, pending: Pending): Promise<boolean> {
    const answer = await this.post(i, pending.request);
    if (pending.kind === 'status' && answer.status === 503) {
      // SPEC §4.1: a hang-up the store could not record is answered 503, and Twilio retries it.
      this.pending.push(pending);
      return false;
    }
    if (callersOwn(pending.call) && answer.status < 300) pending.call.caller.hangUpDelivered = true;
    return answer.status < 300;
  }

  /** An injected terminal refusal: the caller hung up just before the update; Twilio's webhooks follow later. */
  private injectedHangUp(sid: string): void {
    const call = this.calls.get(sid);
    if (!call || !call.on) return;
    call.caller.refused = true;
    if (callersOwn(call)) call.caller.hangUpLate = true;
    const phase = call.phase;
    call.on = false;
    call.phase = 'over';
    if (phase === 'queued') {
      this.pending.push({ request: this.request(call, LEFT_URL, queueResultFields(queueSidFor(sid), 'hangup', 30)), call, kind: 'action' });
    }
    this.pending.push({ request: this.request(call, STATUS_URL, completedStatusFields(30)), call, kind: 'status' });
  }

  /** What the instances asked of Twilio's REST API since the last look, as Twilio carries it out. */
  private async settle(): Promise<void> {
    while (this.eventCursor < this.twilio.events.length) {
      const event = this.twilio.events[this.eventCursor++]!;
      const i = this.step % INSTANCES;
      if (event.kind === 'refused') {
        const call = this.calls.get(event.callSid);
        if (call && event.terminal && event.what === 'call-update') call.caller.refused = true;
        if (call && !event.terminal) call.caller.diverged = true;
        continue;
      }
      if (event.kind === 'call') {
        const caller = this.callers.find((candidate) => candidate.sid === event.forCallSid);
        if (!caller) throw new ChaosViolation(`a callback was dialled for an unknown call ${event.forCallSid}`);
        const leg = this.newCall(event.sid, caller, true, HOTLINE_NUMBER, event.to);
        leg.twiml = event.twiml;
        caller.legs.push(leg);
        continue;
      }
      const call = this.calls.get(event.callSid);
      if (!call) throw new ChaosViolation(`a call update for an unknown call ${event.callSid}`);
      if (!call.on) continue;
      const verbs = readTwiml(event.twiml);
      const dial = firstVerb(verbs, 'Dial');
      // The update moves the call out of its <Dial>, whose action Twilio may still post.
      if (call.dial && (call.phase === 'dialling' || call.phase === 'bridged')) {
        this.pending.push({ request: this.request(call, call.dial.action, dialEndedFields(call.dial.answered ? 'completed' : 'canceled', 10)), call, kind: 'action' });
      }
      if (dial?.answerUrl) {
        if (call.phase === 'queued') {
          // Redirected out of the waiting room: Twilio posts the <Enqueue action> at once; its answer is ignored.
          await this.send(i, call, LEFT_URL, queueResultFields(queueSidFor(call.sid), 'redirected', 10));
        }
        call.phase = 'dialling';
        call.dial = { answerUrl: dial.answerUrl, action: dial.action ?? '', since: this.clock.now(), ringMs: AGENT_RING_MS, agentId: agentOf(dial.answerUrl), answered: false };
        continue;
      }
      call.dial = undefined;
      call.phase = 'menu';
      await this.follow(i, call, verbs);
    }
  }

  // ─── commands ──────────────────────────────────────────────────────────────

  private onLine(filter: (call: Call) => boolean): Call[] {
    return [...this.calls.values()].filter((call) => call.on && filter(call));
  }

  private pick<T>(list: T[], c: number): T | undefined {
    return list.length === 0 ? undefined : list[c % list.length];
  }

  private async execute(command: Command): Promise<void> {
    switch (command.t) {
      case 'join': {
        const caller = this.callers.find((candidate) => !candidate.dialled) ?? this.callers.find((candidate) => candidate.inbound.on && candidate.inbound.phase === 'menu');
        if (!caller) return;
        const call = caller.inbound;
        if (!caller.dialled) {
          caller.dialled = true;
          this.stats.callers += 1;
          const welcome = await this.send(command.i, call, `${TEST_BASE_URL}/voice/incoming`, { CallStatus: 'ringing' });
          await this.follow(command.i, call, welcome.verbs);
        }
        if (call.on && call.phase === 'menu' && call.gather) {
          const pressed = await this.send(command.i, call, call.gather, { ...digitsFields('0'), CallStatus: 'in-progress' });
          await this.follow(command.i, call, pressed.verbs);
        }
        return;
      }
      case 'wait': {
        const call = this.pick(this.onLine((candidate) => candidate.phase === 'queued'), command.c);
        if (call) await this.waitUrl(command.i, call);
        return;
      }
      case 'press1': {
        const call = this.pick(this.onLine((candidate) => candidate.phase === 'queued' && candidate.waitGather), command.c);
        if (!call) return;
        const answer = await this.send(command.i, call, WAIT_KEY_URL, { ...digitsFields('1'), CallStatus: 'in-progress' });
        await this.follow(command.i, call, answer.verbs, true);
        return;
      }
      case 'hangUp': {
        const call = this.pick(this.onLine((candidate) => candidate.phase !== 'new'), command.c);
        if (call) await this.callEnds(command.i, call, 'completed', command.status, command.action);
        return;
      }
      case 'claim':
        return this.claim(command.a, command.i, command.double);
      case 'available':
        await this.api(command.i, 'PUT', '/agent/availability', TOKENS[command.a]!, { available: true });
        return;
      case 'answer': {
        const call = this.pick(this.onLine((candidate) => candidate.phase === 'dialling' && !!candidate.dial && !candidate.dial.answered), command.c);
        if (!call) return;
        await Promise.all(command.twice ? [this.agentAnswers(command.i, call), this.agentAnswers(command.i + 1, call)] : [this.agentAnswers(command.i, call)]);
        if (call.on && call.phase === 'dialling' && call.dial && !call.dial.answered) {
          // The agent's leg was refused (a stale claim): the <Dial> fails.
          const ended = await this.send(command.i, call, call.dial.action, dialEndedFields('failed', 0));
          call.dial = undefined;
          await this.follow(command.i, call, ended.verbs);
        }
        return;
      }
      case 'noAnswer': {
        const call = this.pick(this.onLine((candidate) => candidate.phase === 'dialling' && !!candidate.dial && !candidate.dial.answered), command.c);
        if (call) await this.dialEnds(command.i, call, command.status);
        return;
      }
      case 'agentHangUp': {
        const call = this.pick(this.onLine((candidate) => candidate.phase === 'bridged'), command.c);
        if (call) await this.dialEnds(command.i, call, 'completed');
        return;
      }
      case 'escalate':
        return this.escalate(command.a, command.c, command.i, command.mode);
      case 'wrapUp': {
        const callSid = await this.callOf(command.a, command.c);
        if (!callSid) return;
        const attempts = command.double ? [command.i, command.i + 1] : [command.i];
        const results = await Promise.all(attempts.map((i) => this.wrapUp(command.a, callSid, i)));
        if (results.filter(Boolean).length > 1) throw new ChaosViolation(`two wrap-ups of ${callSid} at once both succeeded`);
        return;
      }
      case 'survey': {
        const call = this.pick(this.onLine((candidate) => candidate.phase === 'survey' && !!candidate.gather), command.c);
        if (!call) return;
        const answer = await this.send(command.i, call, call.gather!, { ...digitsFields(command.digit), CallStatus: 'in-progress' });
        await this.follow(command.i, call, answer.verbs);
        return;
      }
      case 'calleeAnswers': {
        const leg = this.pick(this.onLine((candidate) => candidate.phase === 'ringing'), command.c);
        if (leg) this.legAnswered(leg);
        return;
      }
      case 'calleeMisses': {
        const leg = this.pick(this.onLine((candidate) => candidate.phase === 'ringing'), command.c);
        if (leg) await this.callEnds(command.i, leg, 'no-answer', command.status, 'lost');
        return;
      }
      case 'fault':
        this.twilio.faults.push(command.kind);
        return;
      case 'deliver': {
        if (this.pending.length === 0) return;
        const [pending] = this.pending.splice(command.k % this.pending.length, 1);
        await this.deliver(command.i, pending!);
        return;
      }
      case 'replay': {
        // A duplicate or late webhook: Twilio (or a proxy) posts an earlier request again; its answer is ignored.
        const request = this.pick(this.history, command.k);
        if (request) await this.post(command.i, request);
        return;
      }
      case 'advance':
        return this.advance(command.ms, command.sweep);
      case 'drop':
        return this.drop(command);
      case 'together':
        this.loose = true;
        await Promise.all([this.execute(command.a), this.execute(command.b)]);
        return;
    }
  }

  private legAnswered(leg: Call): void {
    const dial = firstVerb(readTwiml(leg.twiml ?? '<Response/>'), 'Dial');
    if (!dial?.answerUrl) throw new ChaosViolation(`the callback leg of ${leg.caller.sid} dials no agent: ${leg.twiml}`);
    leg.pickedUp = true;
    leg.phase = 'dialling';
    leg.dial = { answerUrl: dial.answerUrl, action: dial.action ?? '', since: this.clock.now(), ringMs: CALLBACK_RING_MS, agentId: agentOf(dial.answerUrl), answered: false };
  }

  /** The agent picks up: Twilio requests the noun's url on the agent's own leg. */
  private async agentAnswers(i: number, call: Call): Promise<void> {
    const dial = call.dial!;
    const agentLeg = { callSid: newSid(), from: HOTLINE_NUMBER, to: `client:${dial.agentId}` };
    const request = signedRequest(TEST_AUTH_TOKEN, dial.answerUrl, callFields(agentLeg, { CallStatus: 'in-progress' }));
    const answer = await this.post(i, request);
    if (answer.status !== 200) throw new ChaosViolation(`the agent-answered webhook answered ${answer.status}`);
    if (answer.verbs.length !== 0) return;
    // The hotline connected the agent (even if, in this model, the ring timed out meanwhile).
    call.caller.connected = true;
    this.stats.connected += 1;
    const queued = new URL(dial.answerUrl).searchParams.get('call')!;
    this.expectations.push({ kind: 'answered', callSid: queued, agentId: dial.agentId });
    if (call.on && call.dial === dial) {
      dial.answered = true;
      call.phase = 'bridged';
    }
  }

  /** The caller's `<Dial>` ends (the agent's leg rang out, failed, or hung up): Twilio posts its action and runs the answer. */
  private async dialEnds(i: number, call: Call, status: string): Promise<void> {
    const dial = call.dial!;
    call.dial = undefined;
    call.phase = 'menu';
    const answer = await this.send(i, call, dial.action, dialEndedFields(status, status === 'completed' ? 60 : 0));
    await this.follow(i, call, answer.verbs);
  }

  private expectations: Array<{ kind: 'claimed' | 'answered'; callSid: string; agentId: string }> = [];

  private async claim(a: number, i: number, double: boolean): Promise<void> {
    const agentId = AGENTS[a]!;
    const attempts = double ? [i, i + 1] : [i];
    const responses = await Promise.all(attempts.map((n) => this.api(n, 'POST', '/agent/claims', TOKENS[a]!)));
    const claimed = responses.filter((response) => response.statusCode === 200).map((response) => (response.json() as { callSid: string }).callSid);
    if (claimed.length > 1) throw new ChaosViolation(`${agentId} clicked twice and got two callers: ${claimed.join(', ')}`);
    for (const callSid of claimed) {
      this.stats.claims += 1;
      this.expectations.push({ kind: 'claimed', callSid, agentId });
    }
    for (const response of responses) {
      if (![200, 204, 409, 502].includes(response.statusCode)) {
        if (!this.loose) throw new ChaosViolation(`claim answered ${response.statusCode}: ${response.body}`);
      }
      if (response.statusCode === 409 && response.body.includes('unavailable')) {
        // The agent's phone rang out earlier: the agent marks themselves available again.
        await this.api(i, 'PUT', '/agent/availability', TOKENS[a]!, { available: true });
      }
    }
  }

  /** The call agent `a` holds or held last, as the records say; sometimes another one (which must be refused). */
  private async callOf(a: number, c: number): Promise<string | undefined> {
    const agentId = AGENTS[a]!;
    const records = await this.readRecords();
    const mine = records.filter((record) => record.agentId === agentId && (record.state === 'connected' || record.state === 'ended'));
    if (c % 8 !== 7) return this.pick(mine, c)?.callSid;
    return this.pick(records, c)?.callSid;
  }

  private async wrapUp(a: number, callSid: string, i: number): Promise<boolean> {
    const note = `wrap-${this.step}-${i}-${callSid.slice(-6)}`;
    const response = await this.api(i, 'POST', `/agent/calls/${callSid}/wrap-up`, TOKENS[a]!, { note, resolved: i % 2 === 0 });
    if (response.statusCode === 204) {
      if (this.wrapUps.has(callSid)) throw new ChaosViolation(`${callSid} was wrapped up twice with 204`);
      this.wrapUps.set(callSid, { note, agentId: AGENTS[a]! });
      this.stats.wrapUps += 1;
      return true;
    }
    if (![403, 404, 409].includes(response.statusCode) && !this.loose) throw new ChaosViolation(`wrap-up answered ${response.statusCode}: ${response.body}`);
    return false;
  }

  private async escalate(a: number, c: number, i: number, mode: 'once' | 'double' | 'with-wrap-up'): Promise<void> {
    const callSid = await this.callOf(a, c);
    if (!callSid) return;
    const escalation = (n: number) =>
      this.api(n, 'POST', `/agent/calls/${callSid}/escalation`, TOKENS[a]!, { note: `escalated at ${this.step}` }).then((response) => {
        if (![200, 502, 403, 404, 409].includes(response.statusCode) && !this.loose) throw new ChaosViolation(`escalation answered ${response.statusCode}: ${response.body}`);
        return response.statusCode === 200 || response.statusCode === 502;
      });
    const results = await Promise.all(
      mode === 'once' ? [escalation(i)] : mode === 'double' ? [escalation(i), escalation(i + 1)] : [escalation(i), this.wrapUp(a, callSid, i + 1)],
    );
    if (results.filter(Boolean).length > 1) throw new ChaosViolation(`${mode} on ${callSid}: both steps succeeded`);
  }

  /** The clock moves on in small steps, and Twilio's own timers with it: ring timeouts, hold-music loops. */
  private async advance(ms: number, sweep: number[]): Promise<void> {
    let left = ms;
    while (left > 0) {
      const chunk = Math.min(left, 10_000);
      left -= chunk;
      this.clock.advance(chunk);
      // Seconds pass: a dropped connection is back by now (the model's clock is faster than real time).
      if (ms > 1000) await Promise.all(this.clients.map((redis, n) => this.reconnected(n, redis, false)));
      await this.scheduler.runDue();
      await this.settle();
      const now = this.clock.now();
      for (const call of [...this.calls.values()]) {
        if (!call.on) continue;
        const i = call.caller.idx;
        if (call.phase === 'dialling' && call.dial && !call.dial.answered && now - call.dial.since >= call.dial.ringMs) {
          await this.dialEnds(i, call, 'no-answer');
        } else if (call.phase === 'ringing' && now - call.ringSince >= CALLBACK_RING_MS) {
          await this.callEnds(i, call, 'no-answer', 'now', 'lost');
        } else if (call.phase === 'queued' && now - call.lastWaitAt >= WAIT_LOOP_MS) {
          await this.waitUrl(i, call);
        }
      }
      await this.settle();
    }
    if (sweep.length > 0) await this.sweep(sweep);
  }

  private async sweep(instances: number[]): Promise<void> {
    const now = this.clock.now();
    await Promise.all(instances.map((n) => this.sweepers[n]!.sweep()));
    await this.settle();
    if (this.loose) return;
    // A lapsed lease or a ghost is handled by the first sweep after its deadline.
    for (const record of await this.readRecords()) {
      if (record.state === 'waiting' && record.seenAt < now - this.rules.heartbeatMs) {
        throw new ChaosViolation(`${record.callSid} waits unseen since ${now - record.seenAt} ms after a sweep (heartbeat ${this.rules.heartbeatMs} ms): a ghost ahead of live callers`);
      }
      if ((record.state === 'offered' || record.state === 'callback-dialling') && record.leaseUntil !== undefined && record.leaseUntil < now) {
        throw new ChaosViolation(`${record.callSid} is ${record.state} on a lease that ran out ${now - record.leaseUntil} ms before a sweep`);
      }
    }
  }

  private async drop(command: Extract<Command, { t: 'drop' }>): Promise<void> {
    this.loose = true;
    const redis = this.clients[command.i]!;
    const id = command.how === 'kill' ? await redis.client('ID').catch(() => null) : null;
    const inner = this.execute(command.inner);
    for (let n = 0; n < command.ticks; n++) await new Promise((resolve) => setImmediate(resolve));
    if (command.how === 'disconnect') redis.disconnect(true);
    else if (id !== null) await this.control.client('KILL', 'ID', String(id)).catch(() => undefined);
    await inner;
    await this.reconnected(command.i, redis, command.how === 'kill');
  }

  /** The instance's client noticed a kill, reconnected and answers again. */
  private async reconnected(i: number, redis: Redis, killed: boolean): Promise<void> {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
    for (let n = 0; n < 20 && killed && redis.status === 'ready'; n++) await pause();
    // Generous: a reconnection takes a fraction of a second, but a loaded machine may take far longer.
    for (let n = 0; n < 1000; n++) {
      if (redis.status === 'ready' && (await redis.ping().then(() => true, () => false))) return;
      await pause();
    }
    throw new Error(`instance ${i} did not reconnect to Redis within 1000 tries 10 ms apart`);
  }

  private async api(i: number, method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object): Promise<Inject> {
    const response = await this.hotlines[i % INSTANCES]!.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { payload } : {}),
    });
    const what = `${url.split('/').at(-1)} ${response.statusCode}`;
    this.stats.answers[what] = (this.stats.answers[what] ?? 0) + 1;
    return response;
  }

  // ─── invariants ────────────────────────────────────────────────────────────

  private get rules() {
    return this.hotlines[0]!.records.rules;
  }

  private async readRecords(): Promise<HandoffRecord[]> {
    const sids = this.callers.filter((caller) => caller.dialled).map((caller) => caller.sid);
    if (sids.length === 0) return [];
    const pipeline = this.control.pipeline();
    for (const sid of sids) pipeline.hget(this.keys.record(sid), 'r');
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([error, json]) => {
      if (error) throw error;
      return typeof json === 'string' ? [decodeRecord(json)] : [];
    });
  }

  private async checkSnapshot(command: Command): Promise<void> {
    const records = await this.readRecords();
    const bySid = new Map(records.map((record) => [record.callSid, record]));
    const pipeline = this.control.pipeline();
    for (const agentId of AGENTS) pipeline.get(this.keys.agent(agentId));
    for (const record of records) for (const name of INDEX_NAMES) pipeline.zscore(this.keys.index(name), record.callSid);
    const replies = ((await pipeline.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value as string | null;
    });
    const where = `after #${this.step} ${JSON.stringify(command)}`;
    // One caller per agent, one agent per caller, and the agent's key says which.
    for (const [n, agentId] of AGENTS.entries()) {
      const held = records.filter((record) => HELD_STATES.has(record.state) && record.agentId === agentId);
      if (held.length > 1) throw new ChaosViolation(`${agentId} holds ${held.length} callers at once (${held.map((r) => `${r.callSid} ${r.state}`).join(', ')}) ${where}`);
      const key = replies[n] ?? null;
      if (held.length === 1 && key !== held[0]!.callSid) throw new ChaosViolation(`${agentId} holds ${held[0]!.callSid} but the agent's key says ${key} ${where}`);
      if (key !== null && held.length === 0) {
        const record = bySid.get(key);
        throw new ChaosViolation(`${agentId}'s one-call key names ${key}, which is ${record?.state ?? 'gone'}: the agent is blocked ${where}`);
      }
    }
    // Every record is in exactly the indexes its state calls for.
    records.forEach((record, r) => {
      const members = new Set(INDEX_NAMES.filter((_, x) => replies[AGENTS.length + r * INDEX_NAMES.length + x] !== null));
      const expected = expectedIndexes(record);
      const wrong = INDEX_NAMES.filter((name) => members.has(name) !== expected.has(name));
      if (wrong.length > 0) {
        throw new ChaosViolation(`${record.callSid} is ${record.state} but in [${[...members].join(', ')}], expected [${[...expected].join(', ')}] ${where}`);
      }
    });
    // What the agent API and the agent's leg answered holds in the records.
    const expectations = this.expectations;
    this.expectations = [];
    if (this.loose) return;
    for (const expectation of expectations) {
      const record = bySid.get(expectation.callSid);
      const ok =
        expectation.kind === 'claimed'
          ? record && (record.state === 'offered' || record.state === 'callback-dialling' || record.state === 'connected') && record.agentId === expectation.agentId
          : record && record.state === 'connected' && record.agentId === expectation.agentId;
      // A claim's call can end within the same command (the bridge's TwiML hung up, a callback failed at once).
      if (!ok && !(record && (record.state === 'closed' || record.state === 'callback-waiting') && expectation.kind === 'claimed')) {
        throw new ChaosViolation(`${expectation.agentId} was told ${expectation.kind} for ${expectation.callSid}, but the record is ${record ? `${record.state} (${record.agentId ?? 'no agent'})` : 'gone'} ${where}`);
      }
    }
  }

  /** Every open call is driven to its end: webhooks delivered, everyone hangs up, agents wrap up or let the window pass. */
  private async finish(): Promise<void> {
    this.loose = false;
    this.step += 1;
    const command: Command = { t: 'advance', ms: 0, sweep: [] };
    while (this.pending.length > 0) await this.deliver(this.step, this.pending.shift()!);
    await this.settle();
    for (const call of [...this.calls.values()]) if (call.on) await this.callEnds(call.caller.idx, call, 'completed', 'now', 'now');
    await this.settle();
    while (this.pending.length > 0) await this.deliver(this.step, this.pending.shift()!);
    await this.checkSnapshot(command);
    // Agents wrap up what they still hold (or some let the window pass).
    let n = 0;
    for (const record of await this.readRecords()) {
      if (record.state !== 'connected' && record.state !== 'ended') continue;
      const wrap = record.state === 'connected' || this.scenario.finalWrapUps[n++ % this.scenario.finalWrapUps.length];
      if (wrap && record.agentId) await this.wrapUp(AGENTS.indexOf(record.agentId as (typeof AGENTS)[number]), record.callSid, n);
    }
    // Leases lapse, ghosts are reaped, callback requests come due or expire; the wrap-up window passes.
    await this.advance(this.rules.leaseMs + 1000, [0]);
    await this.advance(this.rules.heartbeatMs + 5000, [1]);
    for (let round = 0; round < 4; round++) {
      this.clock.advance(this.rules.wrapUpWindowMs + 3 * 86_400_000);
      await this.scheduler.runDue();
      await this.sweep([round % INSTANCES]);
    }
    await this.checkSnapshot(command);
    await this.checkEnds();
    await this.checkKeys();
  }

  private async checkEnds(): Promise<void> {
    const now = this.clock.now();
    const records = await this.readRecords();
    const bySid = new Map(records.map((record) => [record.callSid, record]));
    // Exactly one record per caller, and no record of anything else.
    const stored: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.control.scan(cursor, 'MATCH', `${this.keys.record('')}*`, 'COUNT', 500);
      stored.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    const known = new Set(this.callers.map((caller) => this.keys.record(caller.sid)));
    const strangers = stored.filter((key) => !known.has(key));
    if (strangers.length > 0) throw new ChaosViolation(`records of calls that are not callers: ${strangers.join(', ')}`);
    for (const caller of this.callers) {
      const record = bySid.get(caller.sid);
      const who = `caller ${caller.idx} (${caller.sid}${caller.from.startsWith('+1500') ? ', magic number' : ''})`;
      if (!record) {
        if (caller.enqueued) throw new ChaosViolation(`${who} was queued but has no record`);
        continue;
      }
      const reason = record.endReason ?? 'none';
      this.stats.endReasons[reason] = (this.stats.endReasons[reason] ?? 0) + 1;
      const over = record.state === 'closed' || (record.state === 'ended' && record.endedAt !== undefined && now - record.endedAt > this.rules.wrapUpWindowMs);
      if (!over) throw new ChaosViolation(`${who} did not end: ${record.state} (${reason})`);
      const talked = reason === 'served' || reason === 'caller-hung-up' || reason === 'agent-hung-up';
      const allowed =
        (talked && caller.connected) ||
        (reason === 'abandoned' && caller.hangUpDelivered) ||
        (reason === 'lost-hangup' && (caller.diverged || caller.hangUpLate || !caller.enqueued)) ||
        (reason === 'bridge-refused' && caller.refused) ||
        ((reason === 'callback-failed' || reason === 'callback-expired') && record.callbackAsked);
      if (!allowed) {
        throw new ChaosViolation(`${who} ended ${reason}, which does not fit what happened: ${JSON.stringify({ connected: caller.connected, hangUpDelivered: caller.hangUpDelivered, hangUpLate: caller.hangUpLate, refused: caller.refused, diverged: caller.diverged, callbackAsked: record.callbackAsked })}`);
      }
      if (record.state === 'closed' && talked && !record.wrapUp) throw new ChaosViolation(`${who} closed ${reason} without a wrap-up`);
      const wrapped = this.wrapUps.get(caller.sid);
      if (wrapped && (record.wrapUp?.note !== wrapped.note || record.wrapUp.agentId !== wrapped.agentId)) {
        throw new ChaosViolation(`${who}: the wrap-up answered 204 (${wrapped.note} by ${wrapped.agentId}) is not the one stored (${JSON.stringify(record.wrapUp)})`);
      }
      if (record.wrapUp && !wrapped) throw new ChaosViolation(`${who} has a wrap-up no agent got a 204 for`);
    }
  }

  /** Every key under the prefix expires, except the hand-off's sorted sets (LONG_LIVED). */
  private async checkKeys(): Promise<void> {
    const allowed = LONG_LIVED(this.prefix);
    const forever: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.control.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      for (const key of keys) {
        if (allowed.has(key)) continue;
        if ((await this.control.pttl(key)) === -1) forever.push(`${key.slice(this.prefix.length)} (${await this.control.type(key)})`);
      }
      cursor = next;
    } while (cursor !== '0');
    this.stats.foreverKeys = forever;
    if (forever.length > 0) throw new ChaosViolation(`keys without a TTL: ${forever.join(', ')}`);
  }
}

/** The caller's own call: their inbound call, or a callback leg they picked up (an unanswered leg is a missed callback, not a hang-up). */
function callersOwn(call: Call): boolean {
  return !call.leg || call.pickedUp;
}

function agentOf(answerUrl: string): string {
  return new URL(answerUrl).searchParams.get('agent') ?? '?';
}

function expectedIndexes(record: HandoffRecord): Set<IndexName> {
  switch (record.state) {
    case 'waiting':
      return new Set([record.queue, 'heartbeats']);
    case 'offered':
      return new Set(['leases']);
    case 'callback-waiting':
      return new Set(record.retryAt === undefined ? [record.queue, 'expiries'] : ['retries', 'expiries']);
    case 'callback-dialling':
      return new Set(['leases', 'expiries']);
    default:
      return new Set();
  }
}

