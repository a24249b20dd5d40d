// Agent console: talks to the agent API (SPEC §5) with the agent's bearer token. No build step,
// no framework. Everything from the server is inserted as text, never as HTML.
//
// Live data comes from the event stream (GET /agent/events, Server-Sent Events): `queues` for the
// waiting callers, `call` for the state of the agent's call. Only while the stream is down does
// the console poll (every 2 s), and it tries the stream again.
'use strict';

const POLL_MS = 2000;
const STREAM_RETRY_MS = 5000;
const TOKEN_KEY = 'hotline.agentToken';
const CALL_KEY = 'hotline.currentCall';

const $ = (id) => document.getElementById(id);

/** Everything that lives only while logged in; reset by logout(). */
let session = null;

function newSession() {
  return { agentId: null, stream: null, pollTimer: null, retryTimer: null, streaming: false, latest: new Map(), escalating: null };
}

const LABELS = {
  callSid: '通话 Call',
  queue: '队列 Queue',
  caller: '来电号码 Caller',
  language: '语言 Language',
  identityLevel: '身份验证 Identity',
  walletId: '钱包 Wallet',
  intent: '来电事由 Intent',
  subject: '交易/工单 Transaction/case',
  priority: '优先级 Priority',
  callbackRequested: '要求回电 Callback',
  note: '转接说明 Escalation note',
  secondsWaited: '等待 Waited',
  earlierCallsToday: '今日此前来电 Earlier calls today',
};
const IDENTITY = { 0: '未验证 L0 none', 1: 'L1 密码 PIN', 2: 'L2 密码+短信 PIN+SMS' };

/** How the console names a hand-off record's state (SPEC §4.1), for the agent holding it. */
const CALL_STATES = {
  offered: { key: 'ringing', text: '振铃中 Ringing — answer your phone' },
  'callback-dialling': { key: 'ringing', text: '正在回电 Calling the caller back — answer your phone' },
  connected: { key: 'connected', text: '通话中 Connected' },
  ended: { key: 'ended', text: '通话已结束 Call ended' },
};
const END_REASONS = {
  'caller-hung-up': '来电者已挂机 the caller hung up',
  'agent-hung-up': '坐席已挂机 you hung up; the caller hears the survey',
};

function say(text, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    logout();
    throw new Error('令牌无效，请重新登录 / Invalid token, please log in again');
  }
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    const error = new Error(data && data.message ? data.message : `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return { status: response.status, data };
}

function formatWait(seconds) {
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m} 分 min ${seconds % 60} 秒 s` : `${seconds} 秒 s`;
}

function cell(row, text, header = false) {
  const el = document.createElement(header ? 'th' : 'td');
  el.textContent = text;
  row.appendChild(el);
}

function renderQueues(queues) {
  const container = $('queues');
  container.replaceChildren();
  for (const q of queues) {
    const table = document.createElement('table');
    const caption = document.createElement('caption');
    caption.textContent = `${q.queue === 'tier1' ? '一线 Tier 1' : '二线 Tier 2'} — ${q.total} 位等待 waiting`;
    table.appendChild(caption);
    const head = table.createTHead().insertRow();
    for (const h of ['#', '来电号码 Caller', '等待 Waited', '事由 Intent', '身份 Identity', '优先级 Priority', '语言 Language', '回电 Callback']) cell(head, h, true);
    const body = table.createTBody();
    for (const c of q.callers) {
      const row = body.insertRow();
      row.dataset.callSid = c.callSid;
      if (c.priority === 'urgent') row.className = 'urgent';
      for (const value of [c.position, c.caller, formatWait(c.secondsWaited), c.intent, IDENTITY[c.identityLevel], c.priority, c.language, c.callbackRequested ? '是 yes' : '否 no']) {
        cell(row, String(value));
      }
    }
    if (q.callers.length === 0) cell(body.insertRow(), '无人等待 Nobody waiting');
    container.appendChild(table);
  }
}

function showAgent(agent) {
  if (!session) return;
  session.agentId = agent.id;
  $('agent-name').textContent = `${agent.name} (${agent.tiers.join(', ')})`;
  $('available').checked = agent.available;
}

// ---- the current call ----------------------------------------------------------------------

/** The call on screen: the claim's context plus `state` (and the record's end) once known. */
function currentCall() {
  const saved = sessionStorage.getItem(CALL_KEY);
  return saved ? JSON.parse(saved) : null;
}

function setCurrentCall(call) {
  if (call) sessionStorage.setItem(CALL_KEY, JSON.stringify(call));
  else sessionStorage.removeItem(CALL_KEY);
  showCall(call);
}

function showCall(call) {
  const list = $('call-context');
  list.replaceChildren();
  $('call-section').hidden = !call;
  const state = $('call-state');
  state.replaceChildren();
  delete state.dataset.state;
  callerContext.render(call);
  if (!call) return;
  for (const [key, label] of Object.entries(LABELS)) {
    let value = call[key];
    if (value === undefined || value === null) continue;
    if (key === 'identityLevel') value = IDENTITY[value];
    if (key === 'subject') value = `${value.kind} ${value.id}`;
    if (key === 'secondsWaited') value = formatWait(value);
    if (key === 'callbackRequested') value = value ? '是 yes' : '否 no';
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    dd.dataset.field = key;
    list.append(dt, dd);
  }
  const shown = CALL_STATES[call.state] || CALL_STATES.offered;
  state.dataset.state = shown.key;
  const what = document.createElement('strong');
  what.textContent = shown.text;
  state.append(what);
  if (shown.key === 'ended') {
    const why = END_REASONS[call.endReason];
    if (why) state.append(`（${why}）`);
  }
  if (shown.key !== 'ringing') {
    const due = document.createElement('span');
    due.className = 'wrapup-due';
    due.textContent = ' · 待填写处理记录 Wrap-up still due';
    state.append(due);
  }
  // Escalation only while connected; a wrap-up once the caller was connected (also after the end).
  $('escalate-submit').disabled = shown.key !== 'connected';
  $('wrapup-submit').disabled = shown.key === 'ringing';
}

/**
 * A hand-off record of one of this agent's calls (a `call` event, or a poll): updates the call on
 * screen. A call stays until it is wrapped up; it leaves when it is closed or went back to a queue.
 */
function applyRecord(record) {
  if (!session) return;
  session.latest.set(record.callSid, record);
  const call = currentCall();
  if (!call || call.callSid !== record.callSid) {
    // A call this agent holds that the screen does not show (a console opened during the call).
    if (!call && record.agentId === session.agentId && CALL_STATES[record.state]) {
      setCurrentCall({ ...record, state: record.state, endReason: record.endReason });
    }
    return;
  }
  if (record.state === 'closed') {
    setCurrentCall(null);
    if (!record.wrapUp) say('来电者已离开 The caller left before you answered', true);
    return;
  }
  if (record.state === 'waiting' || record.state === 'callback-waiting') {
    // Not answered in time, or the bridge failed; or this console's own escalation, whose answer says so.
    if (session.escalating === record.callSid) return;
    setCurrentCall(null);
    say('来电已回到队列 The caller went back to the queue (not answered)', true);
    return;
  }
  if (record.agentId !== session.agentId) {
    setCurrentCall(null);
    return;
  }
  if (call.state !== record.state || call.endReason !== record.endReason) {
    setCurrentCall({ ...call, state: record.state, endReason: record.endReason });
  }
}

// ---- live data: the event stream, or polling while it is down -----------------------------

function connectStream() {
  if (!session || session.stream) return;
  const stream = new EventSource(`/agent/events?token=${encodeURIComponent(token())}`);
  session.stream = stream;
  stream.addEventListener('open', () => {
    if (!session || session.stream !== stream) return;
    session.streaming = true;
    stopPolling();
    // Anything that changed while the stream was down: the queues come as the first event, the call is read once.
    void refreshCall();
  });
  stream.addEventListener('queues', (event) => {
    if (session && session.stream === stream) renderQueues(JSON.parse(event.data).queues);
  });
  stream.addEventListener('call', (event) => {
    if (session && session.stream === stream) applyRecord(JSON.parse(event.data));
  });
  stream.addEventListener('error', () => {
    if (!session || session.stream !== stream) return;
    // EventSource would retry on its own, but a refused stream (401, a proxy's 5xx) does not: poll, and try again later.
    stream.close();
    session.stream = null;
    session.streaming = false;
    startPolling();
    clearTimeout(session.retryTimer);
    session.retryTimer = setTimeout(connectStream, STREAM_RETRY_MS);
  });
}

function startPolling() {
  if (!session || session.pollTimer) return;
  void poll();
  session.pollTimer = setInterval(poll, POLL_MS);
}

function stopPolling() {
  if (!session) return;
  clearInterval(session.pollTimer);
  session.pollTimer = null;
}

async function poll() {
  await refresh();
  await refreshCall();
}

async function refresh() {
  try {
    const { data } = await api('GET', '/agent/queues');
    if (!session) return;
    showAgent(data.agent);
    renderQueues(data.queues);
  } catch (error) {
    if (session) say(error.message, true);
  }
}

/** The record of the call on screen, read once (after a reconnect, or while polling). */
async function refreshCall() {
  const call = currentCall();
  if (!call || !session) return;
  try {
    const { data } = await api('GET', `/agent/calls/${encodeURIComponent(call.callSid)}`);
    applyRecord(data);
  } catch (error) {
    // The record is gone (past its TTL) or no longer this agent's to read.
    if (error.status === 404 || error.status === 403) setCurrentCall(null);
  }
}

// ---- logging in and out --------------------------------------------------------------------

function start() {
  session = newSession();
  $('login-section').hidden = true;
  $('work').hidden = false;
  $('whoami').hidden = false;
  showCall(currentCall());
  // Who the agent is and whether available: once; the queues then come from the stream.
  void refresh().then(() => connectStream());
}

/** Forgets everything of the session: the token, the caller's context, the queues. */
function logout() {
  if (session) {
    if (session.stream) session.stream.close();
    clearInterval(session.pollTimer);
    clearTimeout(session.retryTimer);
  }
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(CALL_KEY);
  showCall(null);
  $('queues').replaceChildren();
  $('agent-name').textContent = '';
  $('available').checked = false;
  for (const form of ['escalate-form', 'wrapup-form']) $(form).reset();
  $('login-section').hidden = false;
  $('work').hidden = true;
  $('whoami').hidden = true;
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  try {
    await api('GET', '/agent/queues');
    say('已登录 Logged in');
    start();
  } catch (error) {
    say(error.message, true);
  }
});

$('logout').addEventListener('click', () => {
  logout();
  say('已退出 Logged out');
});

$('available').addEventListener('change', async (event) => {
  try {
    const { data } = await api('PUT', '/agent/availability', { available: event.target.checked });
    say(data.available ? '已设为空闲 You are available' : '已设为忙碌 You are unavailable');
  } catch (error) {
    event.target.checked = !event.target.checked;
    say(error.message, true);
  }
});

$('claim').addEventListener('click', async () => {
  $('claim').disabled = true;
  try {
    const { status, data } = await api('POST', '/agent/claims');
    if (status === 204) say('当前无人等待 Nobody is waiting');
    else {
      // The claim offers the call (the agent's phone rings); a `call` event may already have told more.
      const known = session && session.latest.get(data.callSid);
      setCurrentCall({ ...data, state: known ? known.state : 'offered', endReason: known ? known.endReason : null });
      say('已接通来电，请接听电话 Caller on the way: answer your phone');
    }
    if (session && !session.streaming) await refresh();
  } catch (error) {
    say(error.message, true);
  } finally {
    $('claim').disabled = false;
  }
});

$('escalate-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const call = currentCall();
  if (!call || !session) return;
  session.escalating = call.callSid;
  try {
    await api('POST', `/agent/calls/${encodeURIComponent(call.callSid)}/escalation`, { note: $('escalate-note').value });
    event.target.reset();
    setCurrentCall(null);
    say('已转二线 Escalated to tier 2');
    if (session && !session.streaming) await refresh();
  } catch (error) {
    // A 502 queued the caller in tier 2 all the same: the call is no longer this agent's.
    if (error.status === 502) setCurrentCall(null);
    say(error.message, true);
  } finally {
    if (session) session.escalating = null;
  }
});

// What became of the summary's SMS (the wrap-up is stored in every case).
const SUMMARY_SMS = {
  sent: { text: '摘要已短信发给来电者 The summary was texted to the caller', warn: false },
  notDialable: { text: '来电号码无法接收短信，摘要未发送 No number to text: the summary was not sent', warn: true },
  refused: { text: '短信数量已达上限，摘要未发送 SMS limit reached: the summary was not sent', warn: true },
  failed: { text: '短信发送失败，摘要未发送 The SMS failed: the summary was not sent', warn: true },
  alreadySent: { text: '摘要此前已短信发给来电者 The summary had been texted to the caller already', warn: false },
};

$('wrapup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const call = currentCall();
  if (!call) return;
  try {
    const summary = $('wrapup-summary').disabled ? '' : $('wrapup-summary').value.trim();
    const { data } = await api('POST', `/agent/calls/${encodeURIComponent(call.callSid)}/wrap-up`, {
      note: $('wrapup-note').value,
      resolved: $('wrapup-resolved').checked,
      ...(summary ? { summary } : {}),
    });
    event.target.reset();
    setCurrentCall(null);
    const sms = data ? SUMMARY_SMS[data.summarySms] : null;
    say((call.state === 'connected'
      ? '通话已结束，来电者将收到满意度调查 Wrapped up; the caller hears the survey'
      : '处理记录已保存 Wrapped up') + (sms ? ` · ${sms.text}` : ''), sms ? sms.warn : false);
    if (session && !session.streaming) await refresh();
  } catch (error) {
    say(error.message, true);
  }
});

if (token()) start();
