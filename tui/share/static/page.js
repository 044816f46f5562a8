/* contui --share: the students' read-only page. It follows the teacher's run live over a websocket and lets each
   student look back in their own view ("at" requests), without affecting anybody else. No framework, no build step:
   the server inlines this file into index.html. */
(() => {
  'use strict';

  // ---- chrome words ------------------------------------------------------------------------------------------------
  const WORDS = {
    processes: { en: 'Processes', zh: '进程' },
    sync: { en: 'Sync', zh: '同步' },
    queues: { en: 'Queues', zh: '队列' },
    output: { en: 'Output', zh: '输出' },
    timeline: { en: 'Timeline', zh: '时间线' },
    live: { en: 'live', zh: '实时' },
    back: { en: 'looking back', zh: '回看' },
    follow: { en: 'follow live', zh: '跟随实时' },
    note: { en: "read-only: following the teacher's run", zh: '只读：跟随老师的运行' },
    running: { en: 'running', zh: '运行中' },
    frozen: { en: 'frozen', zh: '已冻结' },
    stepping: { en: 'stepping', zh: '单步模式' },
    ended: { en: 'ended', zh: '已结束' },
    idle: { en: 'idle', zh: '空闲' },
    norun: { en: 'no run yet', zh: '还没有运行' },
    waiting: { en: 'waiting for contui…', zh: '等待 contui…' },
    reconnecting: { en: 'contui is not answering (the teacher quit?): reconnecting…',
                    zh: 'contui 没有回应（老师退出了？）：重新连接中…' },
    runEnded: { en: 'the run ended', zh: '运行已结束' },
    notAlive: { en: 'not alive', zh: '未存活' },
    noLocks: { en: 'no locks yet', zh: '还没有锁' },
    noQueues: { en: 'no queues yet', zh: '还没有队列' },
    noLanes: { en: 'no lanes yet', zh: '还没有泳道' },
    time: { en: 'viewed time', zh: '查看的时间' },
    langButton: { en: '中文', zh: 'English' },
    langTitle: { en: 'show the page in Chinese', zh: '用英文显示页面' },
    followTitle: { en: 'follow the teacher live (End)', zh: '跟随老师的实时运行（End）' },
    following: { en: (n) => `${n} following`, zh: (n) => `${n} 人在看` },
    cursor: { en: (a, b) => `${a} s of ${b} s`, zh: (a, b) => `${a} s / ${b} s` },
  };
  const RUN_STATES = ['running', 'frozen', 'stepping', 'ended', 'idle'];
  // The Output pane's tags, one per process by order of first appearance (the terminal app's palette).
  const TAG_COLOURS = ['#1565c0', '#2e7d32', '#6a1b9a', '#00838f', '#ad1457', '#5d4037', '#455a64', '#c62828',
    '#283593', '#558b2f'];
  const OUTPUT_KEPT = 20000; // lines kept in the Output pane; older ones are dropped
  const LANE_H = 20; // css px per timeline lane
  const AXIS_H = 20; // css px for the timeline's time axis
  const CANVAS_FONT_PX = 14;
  const MONO = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";
  const AT_TIMEOUT_MS = 3000; // an "at" request not answered by then no longer blocks the next one
  const LANG_KEY = 'contui-share-lang';

  const $ = (id) => document.getElementById(id);
  const E = {
    title: $('title'), state: $('state'), conn: $('conn'), followers: $('followers'), lang: $('lang'),
    mode: $('mode'), scrub: $('scrub'), cursor: $('cursor'), follow: $('follow'),
    tree: $('tree'), sync: $('sync'), queues: $('queues'), output: $('output'), banner: $('banner'),
    tlWrap: $('timeline-wrap'), canvas: $('timeline'), legend: $('legend'), lanes: $('lanes'), note: $('note'), ended: $('ended'),
  };

  // ---- state -------------------------------------------------------------------------------------------------------
  const normLang = (v) => (typeof v === 'string' && v.toLowerCase().startsWith('zh') ? 'zh' : 'en');
  let lang = normLang(document.documentElement.lang);
  let langChosen = false; // the user pressed the toggle: the teacher's language no longer applies
  try {
    const saved = window.localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'zh') { lang = saved; langChosen = true; }
  } catch (e) { /* storage may be unavailable */ }

  const S = {
    conn: 'waiting', // 'waiting' (no hello yet) | 'open' | 'reconnecting'
    states: {}, // timeline cell code -> {name, colour, word}
    haveRun: false, // a run's generation is known (from a "run" message or adopted from the first message)
    runSeen: false, // a "run" message came (its title and target are known)
    run: null,
    title: null,
    target: null,
    runState: null,
    followers: null,
    liveT: 0, // ns: the latest live frame's t
    following: true,
    viewedT: 0, // ns: the time shown while looking back
    liveFrame: null, // the latest live frame
    shownFrame: null, // the frame the tree and cards show
    timeline: null, // {t, width, lanes}
    geom: null, // the canvas's last layout, for pointer -> time
    out: new Map(), // output line index -> row element
    outRows: [], // rows in order (for dimming and dropping)
    pids: new Map(), // pid -> tag colour
    inFlight: false,
    inFlightTimer: 0,
    pendingT: null,
  };

  // ---- helpers -----------------------------------------------------------------------------------------------------
  function w(key, ...args) {
    const entry = WORDS[key];
    if (!entry) return key;
    const v = entry[lang] !== undefined ? entry[lang] : entry.en;
    return typeof v === 'function' ? v(...args) : v;
  }

  // A value the server sends in both languages ({en, zh}) or just one (a string, a list).
  function pick(v) {
    if (v === null || v === undefined) return v;
    if (typeof v === 'object' && !Array.isArray(v)) {
      if (v[lang] !== undefined && v[lang] !== null) return v[lang];
      const other = lang === 'en' ? 'zh' : 'en';
      if (v[other] !== undefined && v[other] !== null) return v[other];
      return undefined;
    }
    return v;
  }

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const secs = (ns) => (Math.max(0, ns || 0) / 1e9).toFixed(1);
  const str = (v) => (v === null || v === undefined ? '' : String(v));

  function span(text, css) {
    const s = document.createElement('span');
    s.textContent = str(text);
    if (css) s.style.cssText = String(css);
    return s;
  }

  // A list of runs [text, css] as spans appended to parent.
  function appendRuns(parent, runs) {
    if (!Array.isArray(runs)) return;
    for (const run of runs) {
      if (Array.isArray(run)) parent.appendChild(span(run[0], run[1]));
      else if (typeof run === 'string') parent.appendChild(span(run, ''));
      else if (run && typeof run === 'object') parent.appendChild(span(run.text, run.css || run.style));
    }
  }

  // ---- tree and cards ----------------------------------------------------------------------------------------------
  function renderTree(rows) {
    const list = Array.isArray(rows) ? rows : [];
    const key = lang + JSON.stringify(list);
    if (E.tree._key === key) return;
    E.tree._key = key;
    const frag = document.createDocumentFragment();
    for (const row of list) {
      if (!row || typeof row !== 'object') continue;
      const div = document.createElement('div');
      div.className = 'row';
      const depth = isNum(row.depth) ? Math.max(0, row.depth) : 0;
      div.style.paddingLeft = `${depth * 1.5}em`;
      appendRuns(div, Array.isArray(row) ? row : row.runs);
      frag.appendChild(div);
    }
    E.tree.replaceChildren(frag);
  }

  function renderCards(box, cards) {
    const list = Array.isArray(cards) ? cards : [];
    const key = lang + JSON.stringify(list);
    if (box._key === key) return;
    box._key = key;
    const frag = document.createDocumentFragment();
    for (const card of list) {
      const lines = Array.isArray(card) ? card : (card && Array.isArray(card.lines) ? card.lines : null);
      if (!lines) continue;
      const div = document.createElement('div');
      div.className = 'card';
      for (const line of lines) {
        const ld = document.createElement('div');
        ld.className = 'line';
        appendRuns(ld, line);
        if (!ld.firstChild) ld.textContent = ' ';
        div.appendChild(ld);
      }
      frag.appendChild(div);
    }
    box.replaceChildren(frag);
  }

  // The terminal's banner: a deadlock (red), a stall or a potential deadlock (amber), as the frame has it.
  function renderBanner(banner) {
    const runs = banner && typeof banner === 'object' ? pick(banner) : null;
    E.banner.hidden = !Array.isArray(runs) || runs.length === 0;
    E.banner.className = banner && banner.kind === 'deadlock' ? 'deadlock' : 'warning';
    E.banner.replaceChildren();
    if (!E.banner.hidden) appendRuns(E.banner, runs);
  }

  function showFrame(frame) {
    S.shownFrame = frame || null;
    if (!frame) {
      renderTree([]);
      renderCards(E.sync, []);
      renderCards(E.queues, []);
      renderBanner(null);
      return;
    }
    renderTree(pick(frame.tree));
    renderCards(E.sync, pick(frame.sync));
    renderCards(E.queues, pick(frame.queues));
    renderBanner(frame.banner);
  }

  // ---- header --------------------------------------------------------------------------------------------------------
  function renderTitle() {
    const t = pick(S.title);
    const text = t === null || t === undefined || t === '' ? w('norun') : String(t);
    E.title.textContent = text;
    E.title.classList.toggle('none', !(t !== null && t !== undefined && t !== ''));
    E.title.title = S.target ? `${text} (${S.target})` : text;
    document.title = `contui · ${text}`;
  }

  function renderStatus() {
    const st = S.runState;
    if (st) {
      E.state.hidden = false;
      E.state.textContent = RUN_STATES.includes(st) ? w(st) : String(st);
      E.state.dataset.state = String(st);
      E.state.className = `st-${RUN_STATES.includes(st) ? st : 'other'}`;
    } else {
      E.state.hidden = true;
      E.state.textContent = '';
    }
    let conn = '';
    if (S.conn === 'waiting') conn = w('waiting');
    else if (S.conn === 'reconnecting') conn = w('reconnecting');
    E.conn.textContent = conn;
    E.conn.dataset.conn = S.conn;
    E.conn.hidden = !conn;
    E.ended.textContent = st === 'ended' ? w('runEnded') : '';
    E.ended.hidden = st !== 'ended';
    const counted = isNum(S.followers) && S.conn === 'open';  // a count from before the connection was lost is stale
    E.followers.textContent = counted ? w('following', S.followers) : '';
    E.followers.hidden = !counted;
    document.body.classList.toggle('disconnected', S.conn === 'reconnecting');
  }

  function renderView() {
    const total = S.liveT;
    const viewed = S.following ? total : Math.min(S.viewedT, total);
    E.scrub.max = String(total);
    E.scrub.value = String(viewed);
    E.scrub.disabled = !(total > 0);
    E.scrub.style.setProperty('--pos', total > 0 ? `${(viewed / total) * 100}%` : '100%');
    E.cursor.textContent = w('cursor', secs(viewed), secs(total));
    E.follow.classList.toggle('on', S.following);
    E.follow.setAttribute('aria-pressed', S.following ? 'true' : 'false');
    E.mode.textContent = S.following ? w('live') : w('back');
    E.mode.dataset.mode = S.following ? 'live' : 'back';
    document.body.classList.toggle('looking-back', !S.following);
  }

  function renderChrome() {
    document.documentElement.lang = lang === 'zh' ? 'zh' : 'en';
    for (const h of document.querySelectorAll('[data-w]')) h.textContent = w(h.dataset.w);
    E.lang.textContent = w('langButton');
    E.lang.title = w('langTitle');
    E.follow.textContent = w('follow');
    E.follow.title = w('followTitle');
    E.scrub.setAttribute('aria-label', w('time'));
    E.note.textContent = w('note');
    E.sync.dataset.empty = w('noLocks');  // the terminal's own words for an empty pane
    E.queues.dataset.empty = w('noQueues');
    E.tree.dataset.empty = S.title === null || S.title === undefined ? w('norun') : '';
    renderTitle();
    renderStatus();
    renderView();
  }

  function setLang(l, chosen) {
    lang = normLang(l);
    if (chosen) {
      langChosen = true;
      try { window.localStorage.setItem(LANG_KEY, lang); } catch (e) { /* ignore */ }
    }
    renderChrome();
    showFrame(S.shownFrame);
    renderTimelineText();
    scheduleDraw();
  }

  // ---- output --------------------------------------------------------------------------------------------------------
  function tagColour(pid) {
    const key = str(pid);
    if (!S.pids.has(key)) S.pids.set(key, TAG_COLOURS[S.pids.size % TAG_COLOURS.length]);
    return S.pids.get(key);
  }

  function fillOutputRow(row, line) {
    const name = str(line.name) || '?';
    const hasPid = line.pid !== undefined && line.pid !== null;
    const tag = span(hasPid ? `${name} [${line.pid}]` : name, '');
    tag.className = 'tag';
    tag.style.backgroundColor = tagColour(hasPid ? line.pid : name);
    const text = span(line.text, '');
    text.className = 'text';
    row.replaceChildren(tag, span('  ', ''), text);
    row.classList.toggle('stderr', line.stream === 'stderr');
    row._t = isNum(line.t) ? line.t : null;
    row.classList.toggle('later', !S.following && row._t !== null && row._t > S.viewedT);
  }

  // The Output pane follows its newest line (while looking back: the last line printed by the viewed time) until
  // the user scrolls away from it; scrolling back to the bottom, or "follow live", makes it follow again.
  let outAuto = true;
  let outExpect = null; // the scrollTop this page set last: its scroll event is not the user's
  E.output.addEventListener('scroll', () => {
    const box = E.output;
    if (outExpect !== null && Math.abs(box.scrollTop - outExpect) <= 2) return;
    outExpect = null;
    outAuto = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
  });

  function outScroll() {
    if (!outAuto) return;
    const box = E.output;
    const bottom = box.scrollHeight - box.clientHeight;
    let top = bottom;
    if (!S.following) {
      let last = null;
      for (let k = S.outRows.length - 1; k >= 0; k--) {
        const r = S.outRows[k];
        if (r._t === null || r._t <= S.viewedT) { last = r; break; }
      }
      top = last ? last.offsetTop + last.offsetHeight - box.clientHeight : 0;
    }
    top = Math.max(0, Math.min(top, bottom));
    if (Math.abs(box.scrollTop - top) > 1) {
      outExpect = top;
      box.scrollTop = top;
    }
  }

  function onOutput(msg) {
    const lines = Array.isArray(msg.lines) ? msg.lines : [];
    if (!lines.length) return;
    const box = E.output;
    const frag = document.createDocumentFragment();
    for (const line of lines) {
      if (!line || typeof line !== 'object') continue;
      const i = isNum(line.i) ? line.i : null;
      let row = i !== null ? S.out.get(i) : undefined;
      if (!row) {
        row = document.createElement('div');
        row.className = 'oline';
        if (i !== null) S.out.set(i, row);
        row._i = i;
        S.outRows.push(row);
        frag.appendChild(row);
      }
      fillOutputRow(row, line);
    }
    box.appendChild(frag);
    if (S.outRows.length > OUTPUT_KEPT) {
      const drop = S.outRows.splice(0, S.outRows.length - OUTPUT_KEPT);
      for (const row of drop) {
        row.remove();
        if (row._i !== null) S.out.delete(row._i);
      }
    }
    outScroll();
  }

  function dimOutput() {
    for (const row of S.outRows) {
      row.classList.toggle('later', !S.following && row._t !== null && row._t > S.viewedT);
    }
  }

  // ---- timeline ------------------------------------------------------------------------------------------------------
  let drawPending = false;
  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      try { drawTimeline(); } catch (e) { console.warn('contui: timeline', e); }
    });
  }

  function stateOf(code) {
    const s = S.states && S.states[code];
    return s && typeof s === 'object' ? s : null;
  }

  function stateWord(code) {
    if (code === ' ' || code === undefined || code === '') return w('notAlive');
    const s = stateOf(code);
    if (!s) return code;
    return str(pick(s.word) || s.name || code);
  }

  function lanesOf(tl) {
    return tl && Array.isArray(tl.lanes) ? tl.lanes.filter((l) => l && typeof l === 'object') : [];
  }

  function laneCells(lane) { return typeof lane.cells === 'string' ? lane.cells : ''; }
  function laneLabel(lane) { return str(pick(lane.label)); }

  // The cell index shown at the cursor (live: the last one).
  function cursorFrac() {
    const tl = S.timeline;
    if (S.following || !tl || !isNum(tl.t) || tl.t <= 0) return 1;
    return Math.max(0, Math.min(1, S.viewedT / tl.t));
  }

  function renderTimelineText() {
    const tl = S.timeline;
    const lanes = lanesOf(tl);
    // The visually hidden list: "label: state at the cursor".
    const frac = cursorFrac();
    const frag = document.createDocumentFragment();
    for (const lane of lanes) {
      const cells = laneCells(lane);
      const width = isNum(tl.width) && tl.width > 0 ? tl.width : cells.length;
      let idx = S.following ? cells.length - 1 : Math.floor(frac * width);
      idx = Math.max(0, Math.min(cells.length - 1, idx, width - 1));
      const li = document.createElement('li');
      li.textContent = `${laneLabel(lane).trim()}: ${stateWord(cells[idx])}`;
      frag.appendChild(li);
    }
    E.lanes.replaceChildren(frag);
    // The legend: only codes some lane uses, in hello's order.
    const used = new Set();
    for (const lane of lanes) for (const c of laneCells(lane)) if (c !== ' ') used.add(c);
    const order = Object.keys(S.states || {}).filter((c) => used.has(c));
    for (const c of used) if (!order.includes(c)) order.push(c);
    const lg = document.createDocumentFragment();
    for (const c of order) {
      const item = document.createElement('span');
      item.className = 'lg';
      const sw = document.createElement('span');
      sw.className = 'sw';
      const st = stateOf(c);
      sw.style.backgroundColor = (st && st.colour) || '#808080';
      item.append(sw, document.createTextNode(stateWord(c)));
      lg.appendChild(item);
    }
    E.legend.replaceChildren(lg);
  }

  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  function fmtTick(s, step) {
    const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
    return `${s.toFixed(digits)} s`;
  }

  // A label cut to fit maxW: its head, "…", and its last word when short (the pid: what tells lanes apart).
  function fitText(ctx, text, maxW) {
    if (ctx.measureText(text).width <= maxW) return text;
    const cut = text.lastIndexOf(' ');
    let tail = cut > 0 && text.length - cut <= 9 ? text.slice(cut) : '';
    if (ctx.measureText(`…${tail}`).width > maxW) tail = '';
    let lo = 0;
    let hi = text.length - tail.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(`${text.slice(0, mid)}…${tail}`).width <= maxW) lo = mid; else hi = mid - 1;
    }
    return `${text.slice(0, lo).trimEnd()}…${tail}`;
  }

  function drawTimeline() {
    const cv = E.canvas;
    const cssW = Math.max(1, E.tlWrap.clientWidth);
    const tl = S.timeline;
    const lanes = lanesOf(tl);
    const cssH = AXIS_H + Math.max(1, lanes.length) * LANE_H + 4;
    const dpr = window.devicePixelRatio || 1;
    cv.style.height = `${cssH}px`;
    const pw = Math.round(cssW * dpr);
    const ph = Math.round(cssH * dpr);
    if (cv.width !== pw) cv.width = pw;
    if (cv.height !== ph) cv.height = ph;
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.font = `${CANVAS_FONT_PX}px ${MONO}`;
    ctx.textBaseline = 'middle';

    if (!lanes.length || !tl || !isNum(tl.t)) {
      S.geom = null;
      ctx.fillStyle = '#8a8a8a';
      ctx.fillText(w('noLanes'), 6, AXIS_H + LANE_H / 2);
      return;
    }

    // The label column: as wide as the longest label, at most 16em (and 45% of the pane).
    const em = CANVAS_FONT_PX;
    let longest = 0;
    for (const lane of lanes) longest = Math.max(longest, ctx.measureText(laneLabel(lane)).width);
    const labelW = Math.max(3 * em, Math.min(longest + 10, 16 * em, cssW * 0.45));
    const x0 = labelW + 6;
    const x1 = cssW - 8;
    const cw = Math.max(1, x1 - x0);
    const T = tl.t > 0 ? tl.t : 1;
    const width = isNum(tl.width) && tl.width > 0 ? tl.width : Math.max(1, ...lanes.map((l) => laneCells(l).length));
    S.geom = { x0, cw, T, top: 0, bottom: cssH };

    // Axis: ticks at a round step, at least ~80 px apart.
    const totalS = T / 1e9;
    const step = niceStep(Math.max(totalS / Math.max(1, Math.floor(cw / 80)), 1e-3));
    ctx.fillStyle = '#9a9a9a';
    ctx.strokeStyle = '#3a3a3a';
    ctx.lineWidth = 1;
    ctx.textAlign = 'center';
    for (let k = 0; k * step <= totalS + 1e-9; k++) {
      const x = x0 + ((k * step) / totalS) * cw;
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, AXIS_H - 5);
      ctx.lineTo(Math.round(x) + 0.5, cssH);
      ctx.stroke();
      const label = fmtTick(k * step, step);
      const lw = ctx.measureText(label).width;
      const lx = Math.min(Math.max(x, x0 + lw / 2), x1 - lw / 2);
      if (k === 0 || x - lw / 2 > x0 + ctx.measureText('0 s').width + 6) ctx.fillText(label, lx, AXIS_H / 2);
    }
    ctx.textAlign = 'left';

    // Lanes.
    lanes.forEach((lane, n) => {
      const y = AXIS_H + n * LANE_H;
      if (n % 2 === 1) {
        ctx.fillStyle = 'rgba(255,255,255,0.035)';
        ctx.fillRect(0, y, cssW, LANE_H);
      }
      ctx.fillStyle = '#e0e0e0';
      ctx.fillText(fitText(ctx, laneLabel(lane), labelW - 6), 2, y + LANE_H / 2 + 1);
      const cells = laneCells(lane);
      let i = 0;
      while (i < cells.length && i < width) {
        const c = cells[i];
        let j = i + 1;
        while (j < cells.length && j < width && cells[j] === c) j++;
        if (c !== ' ') {
          const st = stateOf(c);
          ctx.fillStyle = (st && st.colour) || '#808080';
          const a = x0 + (i / width) * cw;
          const b = x0 + (j / width) * cw;
          ctx.fillRect(a, y + 3, Math.max(1, b - a), LANE_H - 6);
        }
        i = j;
      }
    });

    // The cursor at the viewed time; while looking back, the time after it is shaded.
    const frac = cursorFrac();
    const cx = x0 + frac * cw;
    if (!S.following) {
      ctx.fillStyle = 'rgba(20,20,20,0.55)';
      ctx.fillRect(cx, AXIS_H, x1 - cx + 8, cssH - AXIS_H);
    }
    ctx.fillStyle = S.following ? '#5fd75f' : '#ffd700';
    ctx.fillRect(Math.round(cx) - 1, 2, 2, cssH - 2);
    ctx.beginPath();
    ctx.moveTo(cx - 5, 2);
    ctx.lineTo(cx + 5, 2);
    ctx.lineTo(cx, 9);
    ctx.closePath();
    ctx.fill();
  }

  function onTimeline(msg) {
    S.timeline = {
      t: isNum(msg.t) ? msg.t : 0,
      width: isNum(msg.width) ? msg.width : 0,
      lanes: Array.isArray(msg.lanes) ? msg.lanes : [],
    };
    renderTimelineText();
    scheduleDraw();
  }

  // ---- looking back --------------------------------------------------------------------------------------------------
  function clearInFlight() {
    S.inFlight = false;
    clearTimeout(S.inFlightTimer);
    S.inFlightTimer = 0;
  }

  function requestAt(t) {
    const ns = Math.max(0, Math.round(t));
    if (S.inFlight) { S.pendingT = ns; return; }
    if (!send({ type: 'at', t: ns })) { S.pendingT = ns; return; }
    S.pendingT = null;
    S.inFlight = true;
    clearTimeout(S.inFlightTimer);
    S.inFlightTimer = setTimeout(() => {
      S.inFlight = false;
      if (S.pendingT !== null && !S.following) requestAt(S.pendingT);
    }, AT_TIMEOUT_MS);
  }

  function viewChanged() {
    renderView();
    dimOutput();
    outScroll();
    renderTimelineText();
    scheduleDraw();
  }

  function scrubTo(t) {
    if (!(S.liveT > 0) || !isNum(t)) return;
    const ns = Math.max(0, Math.min(t, S.liveT));
    if (ns >= S.liveT) { goLive(); return; }
    S.following = false;
    S.viewedT = ns;
    requestAt(ns);
    viewChanged();
  }

  function goLive() {
    const wasBack = !S.following || S.inFlight || S.pendingT !== null;
    S.following = true;
    S.pendingT = null;
    S.viewedT = S.liveT;
    if (wasBack) send({ type: 'live' });
    outAuto = true;
    if (S.liveFrame) showFrame(S.liveFrame);
    viewChanged();
  }

  // ---- messages ------------------------------------------------------------------------------------------------------
  function resetRun(run) {
    const wasBack = !S.following;
    S.run = run;
    S.runState = null;
    S.liveT = 0;
    S.viewedT = 0;
    S.following = true;
    S.liveFrame = null;
    S.timeline = null;
    S.geom = null;
    S.out.clear();
    S.outRows = [];
    S.pids.clear();
    S.pendingT = null;
    clearInFlight();
    E.output.replaceChildren();
    outAuto = true;
    outExpect = null;
    showFrame(null);
    renderTimelineText();
    scheduleDraw();
    if (wasBack) send({ type: 'live' });
  }

  // Whether a message belongs to the run shown (one before any "run" message adopts its generation).
  function ours(msg) {
    if (msg.run === undefined) return true;
    if (!S.haveRun) {
      S.haveRun = true;
      S.run = msg.run;
      return true;
    }
    return msg.run === S.run;
  }

  function onHello(msg) {
    S.conn = 'open';
    backoff = BACKOFF_MIN;
    if (msg.states && typeof msg.states === 'object') S.states = msg.states;
    if (!langChosen && (msg.lang === 'en' || msg.lang === 'zh') && msg.lang !== lang) setLang(msg.lang, false);
    renderChrome();
    renderTimelineText();
    scheduleDraw();
  }

  function onRun(msg) {
    const run = msg.run === undefined ? null : msg.run;
    const title = msg.title === undefined ? null : msg.title;
    const target = msg.target === undefined ? null : msg.target;
    // The same generation with another title or target is another run (contui was restarted meanwhile).
    const same = S.haveRun && run === S.run && S.runSeen && JSON.stringify(title) === JSON.stringify(S.title)
      && target === S.target;
    if (!same) resetRun(run);
    S.haveRun = true;
    S.runSeen = true;
    S.run = run;
    S.title = title;
    S.target = target;
    if (S.conn !== 'open') S.conn = 'open';
    if (same && !S.following) {
      // A new connection to the same run: the server's view of this page starts live; ask again for ours.
      clearInFlight();
      requestAt(S.viewedT);
    }
    renderChrome();
  }

  function onFrame(msg) {
    if (!ours(msg)) return;
    if (isNum(msg.followers)) S.followers = msg.followers;
    if (msg.scrubbed === true) {
      clearInFlight();
      if (!S.following) {
        showFrame(msg);
        if (S.pendingT !== null) requestAt(S.pendingT);
      }
      renderStatus();
      return;
    }
    S.liveFrame = msg;
    if (isNum(msg.t)) S.liveT = Math.max(0, msg.t);
    if (typeof msg.state === 'string') S.runState = msg.state;
    if (S.following) {
      S.viewedT = S.liveT;
      showFrame(msg);
    }
    renderStatus();
    renderView();
  }

  function handle(data) {
    let msg;
    try { msg = JSON.parse(data); } catch (e) { return; }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    try {
      switch (msg.type) {
        case 'hello': onHello(msg); break;
        case 'run': onRun(msg); break;
        case 'frame': onFrame(msg); break;
        case 'output': if (ours(msg)) onOutput(msg); break;
        case 'timeline': if (ours(msg)) onTimeline(msg); break;
        case 'followers': if (isNum(msg.n)) { S.followers = msg.n; renderStatus(); } break;
        default: break; // unknown types are for newer pages
      }
    } catch (e) {
      console.warn('contui: message', msg.type, e);
    }
  }

  // ---- websocket -----------------------------------------------------------------------------------------------------
  const BACKOFF_MIN = 500;
  const BACKOFF_MAX = 5000;
  let ws = null;
  let backoff = BACKOFF_MIN;
  let retryTimer = 0;

  function send(obj) {
    if (!ws || ws.readyState !== 1) return false;
    try { ws.send(JSON.stringify(obj)); return true; } catch (e) { return false; }
  }

  function connect() {
    retryTimer = 0;
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + location.search;
    let sock;
    try { sock = new WebSocket(url); } catch (e) { lost(); return; }
    ws = sock;
    sock.onmessage = (ev) => { if (sock === ws) handle(ev.data); };
    sock.onclose = () => { if (sock === ws) lost(); };
    sock.onerror = () => { /* a close follows */ };
  }

  function lost() {
    ws = null;
    clearInFlight();
    S.conn = 'reconnecting';
    renderStatus();
    if (retryTimer) return;
    retryTimer = setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX);
  }

  // ---- input ---------------------------------------------------------------------------------------------------------
  E.lang.addEventListener('click', () => setLang(lang === 'en' ? 'zh' : 'en', true));
  E.follow.addEventListener('click', () => goLive());
  E.scrub.addEventListener('input', () => scrubTo(Number(E.scrub.value)));

  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tag = ev.target && ev.target.tagName;
    if ((tag === 'INPUT' && ev.target !== E.scrub) || tag === 'TEXTAREA' || tag === 'SELECT') return;
    const stepNs = S.liveT / 40;
    const from = S.following ? S.liveT : S.viewedT;
    switch (ev.key) {
      case 'ArrowLeft': if (S.liveT > 0) scrubTo(Math.max(0, from - stepNs)); break;
      case 'ArrowRight': if (S.liveT > 0) scrubTo(from + stepNs); break;
      case 'Home': if (S.liveT > 0) scrubTo(0); break;
      case 'End': goLive(); break;
      default: return;
    }
    ev.preventDefault();
  });

  let dragging = false;
  function timeAtX(clientX) {
    const g = S.geom;
    if (!g) return null;
    const rect = E.canvas.getBoundingClientRect();
    const x = clientX - rect.left;
    const frac = Math.max(0, Math.min(1, (x - g.x0) / g.cw));
    return frac * g.T;
  }
  E.canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || !S.geom) return;
    const t = timeAtX(ev.clientX);
    if (t === null) return;
    dragging = true;
    try { E.canvas.setPointerCapture(ev.pointerId); } catch (e) { /* ignore */ }
    scrubTo(t);
    ev.preventDefault();
  });
  E.canvas.addEventListener('pointermove', (ev) => {
    if (!dragging) return;
    const t = timeAtX(ev.clientX);
    if (t !== null) scrubTo(t);
  });
  const endDrag = () => { dragging = false; };
  E.canvas.addEventListener('pointerup', endDrag);
  E.canvas.addEventListener('pointercancel', endDrag);
  E.canvas.addEventListener('lostpointercapture', endDrag);

  if (typeof ResizeObserver === 'function') new ResizeObserver(() => scheduleDraw()).observe(E.tlWrap);
  window.addEventListener('resize', scheduleDraw);

  // ---- start ---------------------------------------------------------------------------------------------------------
  renderChrome();
  showFrame(null);
  renderTimelineText();
  scheduleDraw();
  connect();
})();
