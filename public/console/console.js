// Agent console: talks to the agent API (SPEC §5) with the agent's bearer token. No build step,
// no framework. Everything from the server is inserted as text, never as HTML.
'use strict';

const POLL_MS = 2000;
const TOKEN_KEY = 'hotline.agentToken';
const CALL_KEY = 'hotline.currentCall';

const $ = (id) => document.getElementById(id);
let pollTimer = null;

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

function say(text, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    logout();
    throw new Error('令牌无效，请重新登录 / Invalid token, please log in again');
  }
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(data && data.message ? data.message : `HTTP ${response.status}`);
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

async function refresh() {
  try {
    const { data } = await api('GET', '/agent/queues');
    $('agent-name').textContent = `${data.agent.name} (${data.agent.tiers.join(', ')})`;
    $('available').checked = data.agent.available;
    renderQueues(data.queues);
  } catch (error) {
    say(error.message, true);
  }
}

function showCall(call) {
  const list = $('call-context');
  list.replaceChildren();
  $('call-section').hidden = !call;
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
}

function currentCall() {
  const saved = sessionStorage.getItem(CALL_KEY);
  return saved ? JSON.parse(saved) : null;
}

function setCurrentCall(call) {
  if (call) sessionStorage.setItem(CALL_KEY, JSON.stringify(call));
  else sessionStorage.removeItem(CALL_KEY);
  showCall(call);
}

function start() {
  $('login-section').hidden = true;
  $('work').hidden = false;
  $('whoami').hidden = false;
  showCall(currentCall());
  void refresh();
  pollTimer = setInterval(refresh, POLL_MS);
}

function logout() {
  clearInterval(pollTimer);
  sessionStorage.removeItem(TOKEN_KEY);
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
      setCurrentCall(data);
      say('已接通来电 Caller connected');
    }
    await refresh();
  } catch (error) {
    say(error.message, true);
  } finally {
    $('claim').disabled = false;
  }
});

$('escalate-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const call = currentCall();
  try {
    await api('POST', `/agent/calls/${encodeURIComponent(call.callSid)}/escalation`, { note: $('escalate-note').value });
    event.target.reset();
    setCurrentCall(null);
    say('已转二线 Escalated to tier 2');
    await refresh();
  } catch (error) {
    say(error.message, true);
  }
});

$('wrapup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const call = currentCall();
  try {
    await api('POST', `/agent/calls/${encodeURIComponent(call.callSid)}/wrap-up`, {
      note: $('wrapup-note').value,
      resolved: $('wrapup-resolved').checked,
    });
    event.target.reset();
    setCurrentCall(null);
    say('通话已结束，来电者将收到满意度调查 Wrapped up; the caller hears the survey');
    await refresh();
  } catch (error) {
    say(error.message, true);
  }
});

if (sessionStorage.getItem(TOKEN_KEY)) start();
