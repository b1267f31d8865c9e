/**
 * Web console of the linli local cloud emulator, served at `/`.
 *
 * One self-contained HTML document: inline CSS and vanilla JS, no CDN, no web
 * fonts, works offline. It only talks to the same-origin JSON API under
 * `/__linli/api/`. All data coming from the API is put into the page with
 * `textContent` / text nodes (never `innerHTML`); the only values interpolated
 * on the server side go through `escapeHtml`.
 */

export interface ConsolePageOptions {
  envName: string;
  version: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes a value for use in HTML text and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const CSS = String.raw`
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#1f2328;background:#f4f6f8}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK SC",monospace;font-size:12.5px}
h1{font-size:18px;margin:0}h1 small{font-weight:400;color:#57606a}
h2{font-size:16px;margin:0 0 8px}
button,.btn{font:inherit;font-size:13px;padding:4px 10px;border:1px solid #c6ccd3;border-radius:6px;background:#fff;color:#1f2328;cursor:pointer;text-decoration:none;display:inline-block;white-space:nowrap}
button:hover,.btn:hover{background:#eef1f4}button:disabled{opacity:.5;cursor:default}
.primary{background:#0b6bcb;border-color:#0b6bcb;color:#fff}.primary:hover{background:#0959a8}
.danger{color:#b42318;border-color:#e3a39c}.danger:hover{background:#fdecea}
header.top{display:flex;flex-wrap:wrap;gap:12px 28px;align-items:center;padding:12px 20px;background:#fff;border-bottom:1px solid #d8dee4}
.brand{flex:1 1 360px;min-width:0}.meta{color:#57606a;font-size:13px;margin-top:2px}.meta b{color:#1f2328}
.meta>span{white-space:nowrap}.meta code{white-space:normal;word-break:break-all}
.clock{display:flex;flex-direction:column;gap:2px}.clock .label{font-size:12px;color:#57606a}
.clock-now{font-size:17px;font-weight:600;font-variant-numeric:tabular-nums}.clock .row{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
#clock-meta{font-size:12px;color:#57606a}
.actions{display:flex;gap:8px;flex-wrap:wrap}
.urls{display:flex;flex-wrap:wrap;gap:4px 20px;padding:6px 20px;background:#fafbfc;border-bottom:1px solid #d8dee4;font-size:12.5px;color:#57606a}
.urls code{color:#1f2328}.urls button{padding:0 6px;font-size:12px;margin-left:4px}
.banner{margin:12px 20px 0;padding:8px 12px;border:1px solid #f1aeb5;background:#fdecea;color:#8a1c13;border-radius:6px}
.banner-row{display:flex;gap:8px;align-items:flex-start;justify-content:space-between}.banner-row span{word-break:break-word}
.banner .x{border:0;background:none;color:inherit;font-size:16px;line-height:1;padding:0 4px}
nav.tabs{display:flex;gap:4px;padding:12px 20px 0;overflow-x:auto}
nav.tabs button{border-radius:6px 6px 0 0;border-bottom:0;background:#eef1f4;padding:6px 14px}
nav.tabs button[aria-selected=true]{background:#fff;font-weight:600;box-shadow:0 2px 0 #fff}
main{margin:0 20px 20px;background:#fff;border:1px solid #d8dee4;border-radius:0 6px 6px 6px;padding:16px;min-height:420px}
.toolbar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:10px}.toolbar .grow{flex:1}
.muted{color:#57606a;font-size:12.5px}
.split{display:grid;grid-template-columns:220px minmax(0,1fr);gap:16px}
.coll-list{display:flex;flex-direction:column;gap:2px;border-right:1px solid #eaeef2;padding-right:12px}
.coll{display:flex;justify-content:space-between;gap:8px;text-align:left;border:0;border-radius:6px;background:none;padding:6px 8px;width:100%}
.coll .name{overflow:hidden;text-overflow:ellipsis}.coll.active{background:#e7f0fb;color:#0b5cad;font-weight:600}
.count{background:#eef1f4;color:#57606a;border-radius:10px;padding:0 8px;font-size:12px;font-weight:400;font-variant-numeric:tabular-nums}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 10px}
.chip{border:1px solid #d8dee4;border-radius:10px;padding:0 8px;font-size:12px;background:#fafbfc}
.table-wrap{overflow-x:auto;border:1px solid #eaeef2;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600;white-space:nowrap;position:sticky;top:0}
td.cell{max-width:260px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
tr.doc{cursor:pointer}tr.doc:hover td{background:#f6f8fa}
.k-num{color:#0550ae}.k-date{color:#8250df}.k-null,.k-none{color:#8c959f}.k-bool{color:#cf222e}.k-obj{color:#57606a}.k-id{color:#116329}
pre.json{margin:0 0 8px;padding:8px 10px;background:#f6f8fa;border:1px solid #eaeef2;border-radius:6px;overflow:auto;max-height:420px;white-space:pre-wrap;word-break:break-word}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px;align-items:start}
.card{border:1px solid #d8dee4;border-radius:8px;padding:10px 12px;min-width:0}
.card .head{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:4px}.card .head b{font-size:15px;margin-right:4px}
.err-text{color:#b42318;word-break:break-word}
details summary{cursor:pointer;color:#0b5cad;margin-top:6px}
.form{display:flex;flex-direction:column;gap:6px;margin-top:6px}.form label{font-size:12.5px;color:#57606a}
select{font:inherit;font-size:13px;padding:3px 6px;border:1px solid #c6ccd3;border-radius:6px;background:#fff;color:#1f2328;max-width:240px}
textarea,input[type=text]{width:100%;font:12.5px ui-monospace,Menlo,Consolas,monospace;padding:6px;border:1px solid #c6ccd3;border-radius:6px}
textarea{min-height:80px;resize:vertical}
pre.reply{margin:0;padding:8px;border-radius:6px;white-space:pre-wrap;word-break:break-word;max-height:260px;overflow:auto}
pre.reply.ok{background:#eaf6ec;border:1px solid #9fd5a9}pre.reply.bad{background:#fdecea;border:1px solid #f1aeb5}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.st-ok{background:#dafbe1;color:#116329}.st-error{background:#ffebe9;color:#a40e26}.st-timeout{background:#fff1c2;color:#7d4e00}
tr.row-error td{background:#fff8f7}tr.row-timeout td{background:#fffbea}
.empty{padding:36px 12px;text-align:center;color:#8c959f}
.kv{margin:0;padding:0;list-style:none}.kv li{white-space:pre-wrap;word-break:break-word}
#toast{position:fixed;right:16px;bottom:16px;background:#1f2328;color:#fff;padding:8px 14px;border-radius:6px;font-size:13px;opacity:0;transition:opacity .2s;pointer-events:none}
#toast.show{opacity:.92}
@media (max-width:760px){
  header.top,.urls{padding-left:12px;padding-right:12px}nav.tabs{padding:10px 12px 0}
  main{margin:0 8px 12px;padding:10px}.banner{margin:10px 12px 0}
  .split{grid-template-columns:minmax(0,1fr)}.coll-list{border-right:0;border-bottom:1px solid #eaeef2;padding:0 0 8px;flex-direction:row;flex-wrap:wrap}
  .coll{width:auto}.cards{grid-template-columns:1fr}
}
`;

// Client script. Plain JS inside String.raw: no backticks, no "${", no "</script".
const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var dtf = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short' });

  function fmtTime(v, withWeekday) {
    if (v === null || v === undefined || v === '') return '—';
    var d = new Date(typeof v === 'number' ? v : String(v));
    if (isNaN(d.getTime())) return String(v);
    var p = {};
    dtf.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    var s = p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second;
    return withWeekday ? s + ' ' + p.weekday : s;
  }

  // Builds a DOM element; strings become text nodes, so data is never parsed as HTML.
  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') el.textContent = String(v);
      else if (k === 'class') el.className = v;
      else if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { append(el, x); });
    else el.append(c instanceof Node ? c : String(c));
  }
  function empty(msg) { return h('div', { class: 'empty', text: msg || '暂无数据 No data' }); }
  function post(body) { return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }; }

  // ---- errors & notices ----
  var errors = new Map();
  function setError(key, err) { errors.set(key, (err && err.message) || String(err)); renderBanner(); }
  function clearError(key) { if (errors.delete(key)) renderBanner(); }
  function renderBanner() {
    var b = $('banner');
    // A request that ends after the page went away (closed, navigated) has nowhere to report.
    if (!b) return;
    b.replaceChildren();
    b.hidden = errors.size === 0;
    errors.forEach(function (msg, key) {
      b.append(h('div', { class: 'banner-row' }, h('span', { text: '出错 Error · ' + msg }),
        h('button', { class: 'x', title: '关闭 Dismiss', 'aria-label': '关闭 Dismiss', onclick: function () { clearError(key); } }, '×')));
    });
  }
  var toastTimer = 0;
  function notify(msg) {
    var t = $('toast');
    t.textContent = msg; t.className = 'show';
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.className = ''; }, 3000);
  }

  async function api(path, opts) {
    var res;
    try { res = await fetch(path, opts); }
    catch (e) { throw new Error('无法连接本地云 Cannot reach server (' + path + '): ' + e.message); }
    var text = await res.text(), body = null;
    if (text) { try { body = JSON.parse(text); } catch (e) { body = null; } }
    if (!res.ok) {
      var msg = (body && (body.errMsg || body.error || body.message)) || text.slice(0, 300) || res.statusText;
      throw new Error('HTTP ' + res.status + ' ' + path + ' — ' + (typeof msg === 'string' ? msg : JSON.stringify(msg)));
    }
    if (body === null) throw new Error('响应不是 JSON Invalid JSON from ' + path);
    return body;
  }

  // ---- status & clock ----
  var clock = null, clockFetchedAt = 0;
  async function loadStatus() {
    try {
      var s = await api('/__linli/api/status');
      clearError('status');
      $('env-name').textContent = s.envName;
      $('version').textContent = s.version;
      $('storage').textContent = s.storage === 'sqlite' ? 'SQLite 持久化 persistent' : '内存 memory（重启即清空 lost on restart）';
      $('data-dir').textContent = s.dataDir || '—';
      $('started').textContent = fmtTime(s.startedAt);
      renderUrls(s.urls || {});
      setClock(s.clock);
    } catch (e) { setError('status', e); }
  }
  var urlsShown = '';
  function renderUrls(urls) {
    var key = JSON.stringify(urls);
    if (key === urlsShown) return;
    urlsShown = key;
    var labels = [['console', '控制台 Console'], ['admin', '管理端 Admin API'], ['client', '客户端 Client API']];
    $('urls').replaceChildren.apply($('urls'), labels.map(function (l) {
      var u = urls[l[0]];
      return h('span', null, l[1] + ': ', h('code', { text: u || '—' }),
        u ? h('button', { title: '复制 Copy', onclick: function () { copy(u); } }, '复制') : null);
    }));
  }
  function copy(text) {
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { notify('已复制 Copied'); },
      function () { notify('复制失败 Copy failed'); });
  }
  function setClock(c) {
    if (!c || typeof c.now !== 'string') return;
    clock = c; clockFetchedAt = Date.now(); tickClock();
  }
  function tickClock() {
    if (!clock) return;
    var base = Date.parse(clock.now);
    $('clock-now').textContent = fmtTime(clock.frozen ? base : base + (Date.now() - clockFetchedAt), true);
    $('clock-meta').textContent = (clock.frozen ? '已冻结 frozen · ' : '') + '偏移 offset ' + fmtOffset(clock.offsetMs || 0);
  }
  function fmtOffset(ms) {
    if (!ms) return '0（真实时间 real time）';
    var rest = Math.abs(ms), parts = [];
    var units = [[86400000, ' 天'], [3600000, ' 小时'], [60000, ' 分'], [1000, ' 秒']];
    units.forEach(function (u) { var n = Math.floor(rest / u[0]); rest -= n * u[0]; if (n) parts.push(n + u[1]); });
    return (ms < 0 ? '−' : '+') + (parts.join(' ') || ms + ' ms');
  }
  async function advance(ms, btn) {
    btn.disabled = true;
    try {
      var r = await api('/__linli/api/clock', post({ advanceMs: ms }));
      clearError('clock');
      setClock(r && r.clock ? r.clock : r);
      var fired = (r && r.fired) || [];
      notify('虚拟时间已前进 Clock advanced ' + fmtOffset(ms) + (fired.length ? ' · 触发定时函数 fired ' + fired.length : ''));
      if (fired.length && tab === 'invocations') loadInvocations();
    } catch (e) { setError('clock', e); }
    finally { btn.disabled = false; }
  }

  // ---- tabs ----
  var TABS = ['collections', 'functions', 'invocations', 'outbox', 'indexes'];
  var tab = '';
  function showTab(name) {
    if (TABS.indexOf(name) < 0) name = 'collections';
    tab = name;
    TABS.forEach(function (t) {
      $('tab-' + t).hidden = t !== name;
      $('tabbtn-' + t).setAttribute('aria-selected', String(t === name));
    });
    if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
    loaders[name]();
  }

  // ---- collections ----
  var coll = { list: [], selected: null, offset: 0, limit: 20, view: 'table', page: null, open: {} };
  async function loadCollections() {
    try {
      var r = await api('/__linli/api/collections');
      clearError('collections');
      coll.list = r.collections || [];
      if (coll.selected && !coll.list.some(function (c) { return c.name === coll.selected; })) coll.selected = null;
      if (!coll.selected && coll.list.length) { coll.selected = coll.list[0].name; coll.offset = 0; }
      renderCollList();
      await loadDocs();
    } catch (e) { setError('collections', e); }
  }
  function renderCollList() {
    var box = $('coll-list');
    box.replaceChildren();
    if (!coll.list.length) { box.append(empty('暂无数据 No collections')); return; }
    coll.list.forEach(function (c) {
      box.append(h('button', { class: 'coll' + (c.name === coll.selected ? ' active' : ''), title: c.name,
        onclick: function () { coll.selected = c.name; coll.offset = 0; coll.open = {}; renderCollList(); loadDocs(); } },
        h('span', { class: 'name', text: c.name }), h('span', { class: 'count', text: c.count })));
    });
  }
  async function loadDocs() {
    var name = coll.selected;
    if (!name) { coll.page = null; renderDocs(); return; }
    try {
      var r = await api('/__linli/api/collections/' + encodeURIComponent(name) + '/documents?offset=' + coll.offset + '&limit=' + coll.limit);
      clearError('docs');
      if (name !== coll.selected) return;
      if (!(r.documents || []).length && r.total > 0 && coll.offset > 0) {
        coll.offset = Math.floor((r.total - 1) / coll.limit) * coll.limit;
        return loadDocs();
      }
      coll.page = r;
      renderDocs();
    } catch (e) { setError('docs', e); }
  }
  function ejson(v) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    var keys = Object.keys(v);
    if (keys.length !== 1) return null;
    var k = keys[0], x = v[k];
    if (k === '$date') {
      var t = x && typeof x === 'object' ? Number(x.$numberLong) : x;
      return { text: fmtTime(t), kind: 'date', title: JSON.stringify(x) + ' → Asia/Shanghai' };
    }
    if (k === '$oid') return { text: String(x), kind: 'id' };
    if (/^\$number(Long|Int|Double|Decimal)$/.test(k)) return { text: String(x), kind: 'num' };
    return null;
  }
  function fmtCell(v) {
    if (v === null) return { text: 'null', kind: 'null' };
    if (v === undefined) return { text: '', kind: 'none' };
    var e = ejson(v);
    if (e) return e;
    if (typeof v === 'string') return { text: v, kind: 'str' };
    if (typeof v === 'number') return { text: String(v), kind: 'num' };
    if (typeof v === 'boolean') return { text: String(v), kind: 'bool' };
    return { text: JSON.stringify(v), kind: 'obj' };
  }
  function renderDocs() {
    var view = $('coll-view');
    view.replaceChildren();
    var info = coll.list.filter(function (c) { return c.name === coll.selected; })[0];
    if (!coll.selected || !info) { view.append(empty('暂无数据 · 请选择集合 Select a collection')); return; }
    var p = coll.page || { total: 0, offset: 0, limit: coll.limit, documents: [] };
    var docs = p.documents || [];
    var from = docs.length ? p.offset + 1 : 0, to = p.offset + docs.length;
    view.append(h('h2', { text: info.name }));
    view.append(h('div', { class: 'chips' }, h('span', { class: 'muted' }, '索引 Indexes:'),
      (info.indexes || []).length ? info.indexes.map(function (ix) {
        return h('span', { class: 'chip mono', title: JSON.stringify(ix.keys) },
          ix.name + ' ' + JSON.stringify(ix.keys) + (ix.unique ? ' · 唯一 unique' : ''));
      }) : h('span', { class: 'muted', text: '无 none' })));
    var toggle = h('button', { onclick: function () { coll.view = coll.view === 'table' ? 'json' : 'table'; renderDocs(); } },
      coll.view === 'table' ? '切换为 JSON 视图' : '切换为表格 Table');
    view.append(h('div', { class: 'toolbar' },
      h('button', { disabled: p.offset <= 0, onclick: function () { coll.offset = Math.max(0, coll.offset - coll.limit); loadDocs(); } }, '‹ 上一页 Prev'),
      h('span', { class: 'muted', text: (docs.length ? '第 ' + from + '–' + to + ' 条，' : '') + '共 ' + p.total + ' 条 (documents)' }),
      h('button', { disabled: to >= p.total, onclick: function () { coll.offset += coll.limit; loadDocs(); } }, '下一页 Next ›'),
      h('span', { class: 'grow' }), toggle,
      h('button', { onclick: loadCollections }, '刷新 Refresh')));
    if (!docs.length) { view.append(empty('暂无数据 No documents')); return; }
    if (coll.view === 'json') {
      docs.forEach(function (d) { view.append(h('pre', { class: 'json', text: JSON.stringify(d, null, 2) })); });
      return;
    }
    var cols = ['_id'];
    docs.forEach(function (d) { Object.keys(d || {}).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); }); });
    var tbody = h('tbody');
    docs.forEach(function (d, i) {
      var key = p.offset + i;
      tbody.append(h('tr', { class: 'doc', title: '点击查看完整 JSON Click for full JSON',
        onclick: function () { coll.open[key] = !coll.open[key]; renderDocs(); } },
        cols.map(function (c) {
          var f = fmtCell(d ? d[c] : undefined);
          return h('td', { class: 'cell k-' + f.kind, title: f.title || f.text, text: f.text });
        })));
      if (coll.open[key]) tbody.append(h('tr', null, h('td', { colspan: cols.length },
        h('pre', { class: 'json', text: JSON.stringify(d, null, 2) }))));
    });
    view.append(h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, cols.map(function (c) { return h('th', { text: c }); }))), tbody)));
  }

  // ---- functions ----
  var fnState = {};
  async function loadFunctions() {
    try {
      var r = await api('/__linli/api/functions');
      clearError('functions');
      renderFunctions(r.functions || []);
    } catch (e) { setError('functions', e); }
  }
  function renderFunctions(list) {
    var box = $('fn-list');
    box.replaceChildren();
    if (!list.length) { box.append(empty('暂无数据 No functions')); return; }
    list.forEach(function (f) {
      var st = fnState[f.name] || (fnState[f.name] = { data: '{}', openid: '', open: false, reply: null });
      var out = h('pre', { class: 'reply', hidden: true });
      var btn = h('button', { class: 'primary', onclick: function () { invoke(f.name, st, out, btn); } }, '调用 Invoke');
      var det = h('details', { open: st.open, ontoggle: function () { st.open = det.open; } },
        h('summary', { text: '调用 Invoke…' }),
        h('div', { class: 'form' },
          h('label', { text: '参数 data (JSON 对象 object)' }),
          h('textarea', { spellcheck: 'false', oninput: function (e) { st.data = e.target.value; } }, st.data),
          h('label', { text: 'openid（可选 optional，模拟小程序用户 simulate a wx user）' }),
          h('input', { type: 'text', value: st.openid, placeholder: 'o_test_user', oninput: function (e) { st.openid = e.target.value; } }),
          h('div', null, btn), out));
      if (st.reply) showReply(out, st.reply);
      var trig = f.trigger ? h('span', { class: 'chip mono', text: '定时 trigger ' + f.trigger.name + ' · ' + f.trigger.cron }) : null;
      box.append(h('div', { class: 'card' },
        h('div', { class: 'head' }, h('b', { class: 'mono', text: f.name }),
          h('span', { class: 'chip', text: '超时 timeout ' + (f.timeoutMs / 1000) + ' s' }), trig),
        h('div', { class: 'muted' }, '开放接口 OpenAPI: ',
          (f.openapi || []).length ? h('span', { class: 'mono', text: f.openapi.join(', ') }) : '无 none'),
        f.error ? h('div', { class: 'err-text', text: '加载失败 Load error: ' + f.error }) : null,
        det));
    });
  }
  function showReply(out, reply) {
    out.hidden = false;
    out.className = 'reply ' + (reply.ok ? 'ok' : 'bad');
    out.textContent = reply.text;
  }
  async function invoke(name, st, out, btn) {
    var data;
    try { data = st.data.trim() ? JSON.parse(st.data) : {}; }
    catch (e) { showReply(out, st.reply = { ok: false, text: '参数不是合法 JSON Invalid JSON: ' + e.message }); return; }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      showReply(out, st.reply = { ok: false, text: '参数必须是 JSON 对象 data must be a JSON object' }); return;
    }
    var body = { data: data };
    if (st.openid.trim()) body.openid = st.openid.trim();
    btn.disabled = true;
    var t0 = Date.now();
    try {
      var res = await fetch('/__linli/api/functions/' + encodeURIComponent(name) + '/invoke', post(body));
      var text = await res.text(), shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: show as is */ }
      st.reply = { ok: res.ok, text: 'HTTP ' + res.status + ' · ' + (Date.now() - t0) + ' ms\n' + shown };
    } catch (e) {
      st.reply = { ok: false, text: '无法连接本地云 Cannot reach server: ' + e.message };
    } finally { btn.disabled = false; }
    showReply(out, st.reply);
  }

  // ---- invocations ----
  // The filter goes to the server, which keeps the latest 500: timer runs cannot push a person's calls out of view.
  var invBusy = false, invAgain = false, invShown = null, invFacets = null;
  var STATUS = { ok: '成功 ok', error: '错误 error', timeout: '超时 timeout', running: '运行中 running' };
  var SOURCES = { wx_client: '小程序 wx_client', wx_trigger: '定时触发 wx_trigger', scf: '云函数 scf' };
  function invQuery() {
    var q = new URLSearchParams();
    if ($('inv-function').value) q.set('function', $('inv-function').value);
    if ($('inv-action').value) q.set('action', $('inv-action').value);
    if ($('inv-source').value) q.set('source', $('inv-source').value);
    if ($('inv-hide-timers').checked && $('inv-source').value !== 'wx_trigger') q.set('excludeSource', 'wx_trigger');
    var s = q.toString();
    return s ? '&' + s : '';
  }
  async function loadInvocations() {
    // A filter changed while a list was on its way: load again once it is in, with the filter as it is then.
    if (invBusy) { invAgain = true; return; }
    invBusy = true;
    try {
      var r = await api('/__linli/api/invocations?limit=50' + invQuery());
      clearError('invocations');
      $('inv-updated').textContent = '更新于 Updated ' + fmtTime(Date.now()).slice(11);
      $('inv-matched').textContent = '符合条件 ' + (r.matched || 0) + ' 次 matched';
      renderInvFilters(r.facets || { functions: [], actions: [], sources: [] });
      var key = JSON.stringify(r.invocations || []);
      if (key !== invShown) { invShown = key; renderInvocations(r.invocations || []); }
    } catch (e) { setError('invocations', e); }
    finally {
      invBusy = false;
      if (invAgain) { invAgain = false; loadInvocations(); }
    }
  }
  // The choices are what the kept invocations hold; a chosen value stays even when it has none now.
  function fillSelect(sel, all, values, label) {
    var chosen = sel.value;
    if (chosen && values.indexOf(chosen) < 0) values = values.concat([chosen]);
    sel.replaceChildren(h('option', { value: '', text: all }));
    values.forEach(function (v) { sel.append(h('option', { value: v, text: label ? label(v) : v })); });
    sel.value = chosen;
  }
  function renderInvFilters(facets) {
    var key = JSON.stringify(facets);
    if (key === invFacets) return;
    invFacets = key;
    fillSelect($('inv-function'), '全部云函数 All functions', facets.functions || []);
    fillSelect($('inv-action'), '全部操作 All actions', facets.actions || []);
    fillSelect($('inv-source'), '全部来源 All sources', facets.sources || [], function (v) { return SOURCES[v] || v; });
  }
  function renderInvocations(list) {
    var box = $('inv-list');
    box.replaceChildren();
    if (!list.length) { box.append(empty('暂无数据 No invocations yet')); return; }
    var heads = ['时间 Time', '函数 Function', '操作 Action', '来源 Source', 'openid', '耗时 Duration', '状态 Status', '错误 Error'];
    box.append(h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, heads.map(function (t) { return h('th', { text: t }); }))),
      h('tbody', null, list.map(function (x) {
        var st = STATUS[x.status] ? x.status : 'error';
        return h('tr', { class: 'row-' + st },
          h('td', { class: 'mono', text: fmtTime(x.startedAt), title: String(x.startedAt) }),
          h('td', { class: 'mono', text: x.name }),
          h('td', { class: 'mono', text: x.action || '—' }),
          h('td', null, String(x.source || '—'), x.callerId ? h('div', { class: 'muted mono', text: '← ' + x.callerId }) : null),
          h('td', { class: 'mono', text: x.openid || '—' }),
          h('td', { class: 'mono', text: x.durationMs == null ? '—' : x.durationMs + ' ms' }),
          h('td', null, h('span', { class: 'badge st-' + st, text: STATUS[x.status] || String(x.status) })),
          h('td', { class: 'err-text', text: x.error || '' }));
      })))));
  }

  // ---- outbox ----
  async function loadOutbox() {
    try {
      var r = await api('/__linli/api/outbox');
      clearError('outbox');
      renderOutbox(r.messages || []);
    } catch (e) { setError('outbox', e); }
  }
  function dataLines(data) {
    if (!data || typeof data !== 'object') return h('span', { class: 'mono', text: data == null ? '—' : JSON.stringify(data) });
    return h('ul', { class: 'kv mono' }, Object.keys(data).map(function (k) {
      var v = data[k];
      var shown = v && typeof v === 'object' && 'value' in v ? v.value : v;
      return h('li', { text: k + ': ' + (typeof shown === 'string' ? shown : JSON.stringify(shown)) });
    }));
  }
  function renderOutbox(list) {
    var box = $('outbox-list');
    box.replaceChildren();
    if (!list.length) { box.append(empty('暂无数据 No messages sent')); return; }
    // The fields of a message are those of subscribeMessage.send (template_id, touser, …) plus api and from.
    var heads = ['发送时间 Sent', '云函数 From', '接口 API', '接收者 To (openid)', '模板 Template', '页面 Page', '内容 Data'];
    box.append(h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, heads.map(function (t) { return h('th', { text: t }); }))),
      h('tbody', null, list.map(function (m) {
        return h('tr', null,
          h('td', { class: 'mono', text: fmtTime(m.sentAt) }), h('td', { class: 'mono', text: m.from || '—' }),
          h('td', { class: 'mono', text: m.api || '—' }),
          h('td', { class: 'mono', text: m.touser || '—' }), h('td', { class: 'mono', text: m.template_id || '—' }),
          h('td', { class: 'mono', text: m.page || '—' }), h('td', null, dataLines(m.data)));
      })))));
  }

  // ---- index advice ----
  var ADVICE_MODE = { record: '仅记录 recorded', log: '记录并打印日志 recorded and logged', strict: '严格：未服务的查询失败 strict: unserved queries fail' };
  async function loadIndexAdvice() {
    try {
      var r = await api('/__linli/api/index-advice');
      clearError('indexes');
      $('advice-mode').textContent = '模式 Mode: ' + (ADVICE_MODE[r.mode] || String(r.mode));
      renderIndexAdvice(r.queries || []);
    } catch (e) { setError('indexes', e); }
  }
  function renderIndexAdvice(list) {
    var box = $('advice-list');
    box.replaceChildren();
    if (!list.length) { box.append(empty('每个查询都有索引可用 Every query so far was served by an index')); return; }
    var heads = ['集合 Collection', '查询 Query (fields and operators)', '建议索引 Suggested index', '操作 Operations', '云函数 Functions', '次数 Count', '最近 Last', '状态 Status'];
    box.append(h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, heads.map(function (t) { return h('th', { text: t }); }))),
      h('tbody', null, list.map(function (q) {
        var accepted = q.accepted !== null && q.accepted !== undefined;
        return h('tr', { class: accepted ? '' : 'row-error' },
          h('td', { class: 'mono', text: q.collection }),
          h('td', { class: 'mono', text: q.query }),
          h('td', { class: 'mono', text: q.suggestion || '—' }),
          h('td', { class: 'mono', text: (q.operations || []).join(', ') }),
          h('td', { class: 'mono', text: (q.functions || []).join(', ') || '—' }),
          h('td', { class: 'mono', text: q.count }),
          h('td', { class: 'mono', text: fmtTime(q.lastAt) }),
          h('td', null, accepted
            ? h('span', { class: 'badge st-ok', text: '已接受 accepted', title: q.accepted })
            : h('span', { class: 'badge st-error', text: '无索引 no index' }),
            accepted ? h('div', { class: 'muted', text: q.accepted }) : null));
      })))));
  }

  // ---- header actions ----
  $('adv-hour').onclick = function (e) { advance(3600000, e.currentTarget); };
  $('adv-day').onclick = function (e) { advance(86400000, e.currentTarget); };
  $('reset').onclick = async function () {
    if (!window.confirm('确定清空本地云的全部数据吗？此操作不可撤销。\nReset deletes ALL local data (collections, invocations, outbox). Continue?')) return;
    try {
      await api('/__linli/api/reset', post({}));
      clearError('reset');
      coll.selected = null; coll.offset = 0; invShown = null;
      notify('已清空 Data cleared');
      refreshAll();
    } catch (e) { setError('reset', e); }
  };
  $('import-btn').onclick = function () { $('import-file').click(); };
  $('import-file').onchange = async function (ev) {
    var input = ev.target, file = input.files && input.files[0];
    if (!file) return;
    try {
      var text = await file.text();
      var r = await api('/__linli/api/import', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: text });
      clearError('import');
      notify('已导入 Imported ' + r.imported + ' 条 documents');
      refreshAll();
    } catch (e) { setError('import', e); }
    finally { input.value = ''; }
  };
  TABS.forEach(function (t) { $('tabbtn-' + t).onclick = function () { showTab(t); }; });
  $('inv-refresh').onclick = loadInvocations;
  ['inv-function', 'inv-action', 'inv-source', 'inv-hide-timers'].forEach(function (id) {
    $(id).addEventListener('change', function () { invShown = null; loadInvocations(); });
  });
  $('fn-refresh').onclick = loadFunctions;
  $('outbox-refresh').onclick = loadOutbox;
  $('advice-refresh').onclick = loadIndexAdvice;

  var loaders = { collections: loadCollections, functions: loadFunctions, invocations: loadInvocations, outbox: loadOutbox, indexes: loadIndexAdvice };
  function refreshAll() { loadStatus(); loaders[tab](); }
  window.addEventListener('hashchange', function () { showTab(location.hash.slice(1)); });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') refreshAll();
  });
  setInterval(tickClock, 1000);
  setInterval(function () { if (document.visibilityState === 'visible') loadStatus(); }, 10000);
  setInterval(function () {
    if (tab === 'invocations' && document.visibilityState === 'visible' && $('inv-auto').checked) loadInvocations();
  }, 3000);
  loadStatus();
  showTab(location.hash.slice(1));
})();
`;

export function renderConsolePage(opts: ConsolePageOptions): string {
  const env = escapeHtml(opts.envName);
  const version = escapeHtml(opts.version);
  const tab = (id: string, label: string) =>
    `<button type="button" role="tab" id="tabbtn-${id}" aria-controls="tab-${id}" aria-selected="false">${label}</button>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>linli 本地云 · Local Cloud</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<header class="top">
  <div class="brand">
    <h1>linli 本地云 <small>Local Cloud</small></h1>
    <div class="meta"><span>环境 Env <b id="env-name">${env}</b></span> · <span>版本 Version <span id="version">${version}</span></span>
      · <span>存储 Storage <b id="storage">…</b></span> · <span>启动于 Started <span id="started">…</span></span>
      <br><span>数据目录 Data dir <code id="data-dir">…</code></span></div>
  </div>
  <div class="clock">
    <span class="label">虚拟时间 Virtual clock（北京时间 Asia/Shanghai）</span>
    <span class="clock-now" id="clock-now">—</span>
    <div class="row"><button type="button" id="adv-hour">+1 小时</button><button type="button" id="adv-day">+1 天</button>
      <span id="clock-meta"></span></div>
  </div>
  <div class="actions">
    <a class="btn" href="/__linli/api/export" download="linli-${env}.ndjson">导出 Export</a>
    <button type="button" id="import-btn">导入 Import</button>
    <input type="file" id="import-file" accept=".ndjson,.jsonl,.json,application/x-ndjson" hidden>
    <button type="button" id="reset" class="danger">清空数据 Reset</button>
  </div>
</header>
<div class="urls" id="urls"></div>
<div class="banner" id="banner" role="alert" hidden></div>
<nav class="tabs" role="tablist">
  ${tab('collections', '集合 Collections')}${tab('functions', '云函数 Functions')}${tab('invocations', '调用记录 Invocations')}${tab('outbox', '消息 Outbox')}${tab('indexes', '索引建议 Index advice')}
</nav>
<main>
  <section id="tab-collections" role="tabpanel">
    <div class="split"><div class="coll-list" id="coll-list"></div><div id="coll-view"></div></div>
  </section>
  <section id="tab-functions" role="tabpanel" hidden>
    <div class="toolbar"><span class="muted grow">本地加载的云函数 Cloud functions loaded from cloudfunctions/</span>
      <button type="button" id="fn-refresh">刷新 Refresh</button></div>
    <div class="cards" id="fn-list"></div>
  </section>
  <section id="tab-invocations" role="tabpanel" hidden>
    <div class="toolbar"><span class="muted">最近 50 次调用 Latest 50, newest first</span><span class="grow"></span>
      <span class="muted" id="inv-updated"></span>
      <label class="muted"><input type="checkbox" id="inv-auto" checked> 自动刷新 Auto-refresh (3 s)</label>
      <button type="button" id="inv-refresh">刷新 Refresh</button></div>
    <div class="toolbar" role="search" aria-label="筛选调用记录 Filter invocations">
      <select id="inv-function" aria-label="云函数 Function"><option value="">全部云函数 All functions</option></select>
      <select id="inv-action" aria-label="操作 Action"><option value="">全部操作 All actions</option></select>
      <select id="inv-source" aria-label="来源 Source"><option value="">全部来源 All sources</option></select>
      <label class="muted"><input type="checkbox" id="inv-hide-timers" checked> 隐藏定时触发 Hide timer runs</label>
      <span class="muted grow" id="inv-matched"></span></div>
    <div id="inv-list"></div>
  </section>
  <section id="tab-outbox" role="tabpanel" hidden>
    <div class="toolbar"><span class="muted grow">订阅消息等发出的消息（本地不真正发送）Messages captured instead of being sent</span>
      <button type="button" id="outbox-refresh">刷新 Refresh</button></div>
    <div id="outbox-list"></div>
  </section>
  <section id="tab-indexes" role="tabpanel" hidden>
    <div class="toolbar"><span class="muted grow">没有索引可用的查询：在微信云上会扫描整个集合。在 database/schema.json 加索引，或在 database/index-exceptions.json 写明理由接受它。
      Queries no declared index serves (a collection scan on WeChat's cloud).</span>
      <span class="muted" id="advice-mode"></span>
      <button type="button" id="advice-refresh">刷新 Refresh</button></div>
    <div id="advice-list"></div>
  </section>
</main>
<div id="toast" role="status" aria-live="polite"></div>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}
