// What the IVR already learned and did for the caller on screen (SPEC §5): the intent in the
// agent's words, the menus walked, the self-service done, and the caller's earlier calls. The
// server sends every label in the agent's language; everything is inserted as text, never HTML.
'use strict';

const callerContext = (() => {
  const $ = (id) => document.getElementById(id);
  /** How an earlier call ended (SPEC §5 call records). */
  const OUTCOMES = {
    contained: '自助解决 solved by the IVR',
    agent: '人工处理 served by an agent',
    abandoned: '挂断 hung up while waiting',
    overflow: '转接备用线路 sent to the overflow line',
    callback: '已回电 called back',
    'callback-failed': '回电未接通 callback failed',
  };

  function item(text, className) {
    const li = document.createElement('li');
    li.textContent = text;
    if (className) li.className = className;
    return li;
  }

  /** A date-only value stays as written; an instant is shown in the browser's time. */
  function when(value) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString('zh-CN', { dateStyle: 'short', timeStyle: 'short' });
  }

  function historyItem(entry) {
    const li = document.createElement('li');
    li.dataset.intent = entry.intent;
    const outcome = OUTCOMES[entry.outcome] || entry.outcome;
    li.append(`${when(entry.date)} · ${entry.intentLabel || entry.intent} · ${outcome}`);
    if (entry.note) {
      const note = document.createElement('span');
      note.className = 'history-note';
      note.textContent = entry.note;
      li.append(note);
    }
    return li;
  }

  /** Shows `call`'s context, or clears it. Fields a server does not send yet show as empty. */
  function render(call) {
    const journey = $('call-journey');
    const done = $('call-self-service');
    const history = $('call-history');
    journey.replaceChildren();
    done.replaceChildren();
    history.replaceChildren();
    $('call-intent-label').textContent = call ? call.intentLabel || call.intent || '' : '';
    if (!call) return;
    for (const label of call.journey || []) journey.append(item(label));
    if (journey.children.length === 0) journey.append(item('未经语音菜单 Not through the menus', 'empty'));
    for (const entry of call.selfService || []) {
      const li = item(entry.text);
      li.dataset.kind = entry.kind;
      done.append(li);
    }
    if (done.children.length === 0) done.append(item('无 Nothing yet', 'empty'));
    for (const entry of call.history || []) history.append(historyItem(entry));
    if (history.children.length === 0) history.append(item('暂无此前来电记录 No earlier calls known', 'empty'));
    // A caller without a number we may text gets no summary: the field says so instead of failing silently.
    const summary = $('wrapup-summary');
    const withheld = call.caller === 'withheld';
    summary.disabled = withheld;
    summary.placeholder = withheld ? '来电号码无法接收短信 This caller has no number to text' : '';
  }

  return { render };
})();
