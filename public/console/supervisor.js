// Supervisor overview: reads GET /supervisor/overview with the supervisor's bearer token, then
// stays live through GET /supervisor/events (Server-Sent Events, `overview` events). No build
// step, no framework; everything from the server is inserted as text, never as HTML.
'use strict';

const TOKEN_KEY = 'hotline.supervisorToken';

const $ = (id) => document.getElementById(id);

/** While logged in: the live stream, the newest overview of today, and the past day shown (or null). */
let session = null;

const QUEUES = { tier1: '一线 Tier 1', tier2: '二线 Tier 2' };
const STATES = {
  away: '离开 Away',
  available: '空闲 Available',
  offered: '振铃中 Ringing',
  connected: '通话中 Connected',
  'wrap-up': '待填写处理记录 Wrap-up',
};
const GAPS = {
  'no-database': '未配置通话记录数据库 No call records database',
  timeout: '数据库响应太慢 The database was too slow',
  unavailable: '数据库暂不可用 The database is unavailable',
};

function say(text, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  if (m === 0) return `${s} 秒 s`;
  return s === 0 ? `${m} 分 min` : `${m} 分 min ${s} 秒 s`;
}

const percent = (ratio) => (ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 1000) / 10}%`);

function clockTime(iso, timeZone) {
  return new Date(iso).toLocaleTimeString('zh-CN', { timeZone, hour12: false });
}

/** One table row: each cell [field, text, isNumber]. */
function row(body, key, cells) {
  const tr = body.insertRow();
  tr.dataset.key = key;
  for (const [field, content, number] of cells) {
    const td = tr.insertCell();
    td.dataset.field = field;
    if (number) td.className = 'number';
    if (content instanceof Node) td.appendChild(content);
    else td.textContent = content;
  }
  return tr;
}

function header(table, titles) {
  const tr = table.tHead.rows[0];
  tr.replaceChildren();
  for (const [title, number] of titles) {
    const th = document.createElement('th');
    th.textContent = title;
    if (number) th.className = 'number';
    tr.appendChild(th);
  }
}

function renderQueues(overview) {
  const table = $('queues');
  const live = overview.live;
  const sl = `服务水平 Service level (≤${overview.serviceLevelSeconds} 秒 s)`;
  header(table, [
    ['队列 Queue'],
    ...(live ? [['等待 Waiting', true], ['最长等待 Longest wait', true], ['新来电预计等待 Estimated wait (next caller)', true]] : []),
    ['来电 Offered', true],
    ['已接听 Answered', true],
    [sl, true],
    ['放弃 Abandoned', true],
    ['放弃率 Abandonment', true],
    ['平均处理时长 Avg. handle time', true],
  ]);
  const body = table.tBodies[0];
  body.replaceChildren();
  const names = (live ? live.queues : overview.report ? overview.report.queues : []).map((q) => q.queue);
  for (const queue of names) {
    const now = live && live.queues.find((q) => q.queue === queue);
    const day = overview.report && overview.report.queues.find((q) => q.queue === queue);
    const tr = row(body, queue, [
      ['queue', QUEUES[queue] || queue],
      ...(now
        ? [
            ['waiting', String(now.waiting), true],
            ['longestWait', now.waiting === 0 ? '—' : duration(now.longestWaitSeconds), true],
            ['estimatedWait', now.estimatedWaitSeconds === null ? '无法估计 No estimate' : duration(now.estimatedWaitSeconds), true],
          ]
        : []),
      ['offered', day ? String(day.offered) : '—', true],
      ['answered', day ? String(day.answered) : '—', true],
      ['serviceLevel', day ? percent(day.serviceLevel) : '—', true],
      ['abandoned', day ? String(day.abandoned) : '—', true],
      ['abandonment', day ? percent(day.abandonment) : '—', true],
      ['handleTime', day ? duration(day.averageHandleSeconds) : '—', true],
    ]);
    tr.dataset.queue = queue;
  }
}

function stateBadge(state) {
  const badge = document.createElement('span');
  badge.className = `state state-${state}`;
  badge.textContent = STATES[state] || state;
  return badge;
}

function callCell(call, overview) {
  const box = document.createElement('span');
  if (!call) {
    box.textContent = '—';
    return box;
  }
  const what = document.createElement('span');
  what.textContent = `${QUEUES[call.queue] || call.queue} · ${call.caller}`;
  const when = document.createElement('span');
  when.className = 'call-detail';
  const seconds = Math.max(0, (Date.parse(overview.generatedAt) - Date.parse(call.since)) / 1000);
  when.textContent = `自 since ${clockTime(call.since, overview.timeZone)}（${duration(seconds)}） · ${call.callSid}`;
  box.append(what, when);
  return box;
}

function renderAgents(overview) {
  const table = $('agents');
  const live = overview.live;
  header(table, [
    ['坐席 Agent'],
    ...(live ? [['状态 State'], ['当前通话 Current call']] : []),
    ['当日通话 Calls', true],
    ['平均处理时长 Avg. handle time', true],
  ]);
  const body = table.tBodies[0];
  body.replaceChildren();
  const figures = new Map(overview.report ? overview.report.agents.map((a) => [a.agentId, a]) : []);
  // A past day lists the agents who talked that day, by the names today's overview knows.
  const names = new Map(session && session.latest && session.latest.live ? session.latest.live.agents.map((a) => [a.id, a.name]) : []);
  const agents = live ? live.agents : overview.report ? overview.report.agents.map((a) => ({ id: a.agentId, name: names.get(a.agentId) || a.agentId })) : [];
  for (const agent of agents) {
    const day = figures.get(agent.id);
    const known = Boolean(overview.report);
    const tr = row(body, agent.id, [
      ['agent', agent.name],
      ...(live ? [['state', stateBadge(agent.state)], ['call', callCell(agent.call, overview)]] : []),
      ['calls', known ? String(day ? day.calls : 0) : '—', true],
      ['handleTime', day ? duration(day.averageHandleSeconds) : '—', true],
    ]);
    tr.dataset.agent = agent.id;
    if (live) tr.dataset.state = agent.state;
  }
  if (agents.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = table.tHead.rows[0].cells.length;
    td.className = 'empty';
    td.textContent = '这一天没有坐席接听 No agent talked with a caller that day';
  }
}

function renderTotals(overview) {
  const list = $('totals');
  list.replaceChildren();
  const report = overview.report;
  const items = [
    ['calls', '来电总数 Calls', report ? String(report.calls) : '—'],
    ['contained', 'IVR 自助解决 Solved by the IVR', report ? String(report.contained) : '—'],
    ['containment', 'IVR 自助解决率 IVR containment', report ? percent(report.containment) : '—'],
  ];
  for (const [field, label, value] of items) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.dataset.field = field;
    dd.textContent = value;
    list.append(dt, dd);
  }
}

function render(overview) {
  $('day-title').textContent = overview.live
    ? `今天 Today ${overview.day} · 更新于 updated ${clockTime(overview.generatedAt, overview.timeZone)}`
    : `${overview.day} 全天统计 The day's figures`;
  $('day-title').dataset.day = overview.day;
  const gap = $('report-gap');
  gap.hidden = overview.report !== null;
  gap.textContent = overview.report === null ? `当日统计暂不可用 The day's figures are unavailable: ${GAPS[overview.reportUnavailable] || overview.reportUnavailable}` : '';
  renderQueues(overview);
  renderAgents(overview);
  renderTotals(overview);
}

function liveState(state, text) {
  $('live-state').dataset.state = state;
  $('live-state').textContent = text;
}

async function fetchOverview(day) {
  const response = await fetch(`/supervisor/overview${day ? `?day=${encodeURIComponent(day)}` : ''}`, { headers: { authorization: `Bearer ${token()}` } });
  const data = await response.json().catch(() => null);
  return { status: response.status, data };
}

/** The newest overview of today arrived (first read or event): shown unless a past day is. */
function today(overview) {
  if (!session) return;
  session.latest = overview;
  $('day').max = overview.day;
  if (session.pastDay === null) {
    render(overview);
    liveState('live', '● 实时 Live');
  }
}

function openStream() {
  const stream = new EventSource(`/supervisor/events?token=${encodeURIComponent(token())}`);
  session.stream = stream;
  stream.addEventListener('overview', (event) => today(JSON.parse(event.data)));
  // EventSource reconnects by itself; say so meanwhile.
  stream.addEventListener('error', () => {
    if (session && session.pastDay === null) liveState('lost', '○ 实时连接中断，正在重连 Live updates lost, reconnecting');
  });
}

async function logIn(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
  say('登录中… Logging in…');
  let answer;
  try {
    answer = await fetchOverview();
  } catch {
    say('无法连接服务器 Cannot reach the server', true);
    return;
  }
  const refusals = {
    401: '令牌无效 Invalid token',
    403: '此令牌不属于主管 Not a supervisor token (supervisors only)',
    429: '登录失败次数过多，请稍后再试 Too many failed logins, try again later',
  };
  if (answer.status !== 200) {
    sessionStorage.removeItem(TOKEN_KEY);
    say(refusals[answer.status] || `HTTP ${answer.status}`, true);
    return;
  }
  session = { stream: null, latest: null, pastDay: null };
  $('login-section').hidden = true;
  $('board').hidden = false;
  $('whoami').hidden = false;
  $('day').value = answer.data.day;
  say('');
  today(answer.data);
  openStream();
}

function logout() {
  if (session && session.stream) session.stream.close();
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $('board').hidden = true;
  $('whoami').hidden = true;
  $('login-section').hidden = false;
  $('token').value = '';
  for (const id of ['queues', 'agents']) $(id).tBodies[0].replaceChildren();
  $('totals').replaceChildren();
}

async function showDay(day) {
  if (!session) return;
  if (!day || (session.latest && day === session.latest.day)) {
    session.pastDay = null;
    if (session.latest) today(session.latest);
    say('');
    return;
  }
  say('读取中… Loading…');
  const answer = await fetchOverview(day);
  if (!session) return;
  if (answer.status !== 200) {
    say(answer.data && answer.data.message ? answer.data.message : `HTTP ${answer.status}`, true);
    return;
  }
  session.pastDay = day;
  say('');
  liveState('past', '历史 Past day');
  render(answer.data);
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void logIn($('token').value.trim());
  });
  $('logout').addEventListener('click', logout);
  $('day-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void showDay($('day').value);
  });
  $('today').addEventListener('click', () => {
    if (session && session.latest) $('day').value = session.latest.day;
    void showDay(null);
  });
  if (token()) void logIn(token());
});
