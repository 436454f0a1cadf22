/*
 * sj verification page — the user interface. The draw itself is recomputed by SjDraw (draw.js,
 * the script above this one) in a Web Worker made from a Blob of that same script's text, so a
 * big draw never freezes the page; when a Worker cannot start, in the page itself.
 *
 * The verdict is written into #verdict with data-state (idle | working | ok | fail | error) and
 * data attributes (data-result-hash, data-first-diff-index, data-first-diff-object, data-where):
 * what a person reads, and what a test reads.
 */
(function () {
  'use strict';
  var MESSAGES = JSON.parse(document.getElementById('sj-messages').textContent);
  var DRAW_SOURCE = document.getElementById('sj-draw').textContent;
  var lang = /(^|[?#&])lang=en\b/.test(location.search + location.hash) ? 'en' : 'zh';
  /** the last outcome shown, re-rendered when the language changes */
  var last = null;

  function tr(key, vars) {
    var m = MESSAGES[key];
    var text = m ? m[lang] : key;
    return text.replace(/\{(\w+)\}/g, function (_, k) { return vars && k in vars ? String(vars[k]) : '{' + k + '}'; });
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function section(id, children) {
    var s = document.getElementById(id);
    s.replaceChildren.apply(s, children.filter(Boolean));
  }

  // ---- language

  function setLang(l) {
    lang = l;
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    document.title = tr('page.title') + ' · sj';
    document.querySelectorAll('[data-i18n]').forEach(function (e) { e.textContent = tr(e.getAttribute('data-i18n')); });
    document.querySelectorAll('.lang button').forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === l)); });
    if (last) render(last);
  }

  // ---- running the recompute

  /** The worker's code: draw.js, then a message handler. */
  function workerSource() {
    return DRAW_SOURCE + '\n;(' + function () {
      self.onmessage = function (e) {
        self.SjDraw.verify(e.data, function (done, total) { self.postMessage({ progress: [done, total] }); })
          .then(function (r) { self.postMessage({ result: r }); }, function (err) { self.postMessage({ error: String(err && err.message || err) }); });
      };
    } + ')();';
  }

  function inWorker(ev, onProgress) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
      var w;
      try {
        w = new Worker(url);
      } catch (e) {
        URL.revokeObjectURL(url);
        return reject(e);
      }
      var finish = function () { w.terminate(); URL.revokeObjectURL(url); };
      w.onmessage = function (m) {
        if (m.data.progress) return onProgress(m.data.progress[0], m.data.progress[1]);
        finish();
        if (m.data.error) resolve({ ok: false, problems: [{ code: 'broken', why: m.data.error }], strata: [], firstDiff: null, commitment: null });
        else resolve(m.data.result);
      };
      w.onerror = function (e) { finish(); reject(e); };
      w.postMessage(ev);
    });
  }

  function check(ev) {
    var onProgress = function (done, total) { showWorking(tr('page.progress', { done: done, total: total })); };
    return inWorker(ev, onProgress).then(function (r) { r.where = 'worker'; return r; }, function () {
      // no Worker (an old browser, or a policy): the same code on the page
      return globalThis.SjDraw.verify(ev, onProgress).then(function (r) { r.where = 'page'; return r; });
    });
  }

  function showWorking(text) {
    var v = document.getElementById('verdict');
    v.setAttribute('data-state', 'working');
    v.replaceChildren(el('span', { text: text }));
  }

  function load(name, text) {
    last = null;
    ['problems', 'summary', 'commitment', 'strata'].forEach(function (id) { section(id, []); });
    showWorking(tr('page.working', { file: name }));
    var ev;
    try {
      ev = JSON.parse(text);
    } catch (e) {
      last = { file: name, r: { ok: false, problems: [{ code: 'notJson', why: e.message }], strata: [], firstDiff: null, commitment: null } };
      return render(last);
    }
    return check(ev).then(function (r) {
      last = { file: name, r: r };
      render(last);
    });
  }

  function pickFile(f) {
    if (!f) return;
    f.text().then(function (text) { load(f.name, text); });
  }

  // ---- rendering

  var CLASS_KEYS = { special: 'page.class.special', key: 'page.class.key', positive: 'page.class.positive', general: 'page.class.general' };

  function fieldNames(fields) {
    return fields.map(function (f) { return tr('page.field.' + f); }).join(lang === 'zh' ? '、' : ', ');
  }

  function problemText(p) {
    var vars = Object.assign({}, p, { n: p.index + 1 });
    if (Array.isArray(p.fields)) vars.fields = fieldNames(p.fields);
    return tr('page.problem.' + p.code, vars);
  }

  function render(state) {
    var r = state.r;
    var v = document.getElementById('verdict');
    var diff = r.firstDiff;
    v.setAttribute('data-state', r.ok ? 'ok' : r.draw ? 'fail' : 'error');
    v.setAttribute('data-file', state.file);
    // where the recompute ran: 'worker', or 'page' when no Worker could start
    if (r.where) v.setAttribute('data-where', r.where);
    if (r.resultHash) v.setAttribute('data-result-hash', r.resultHash); else v.removeAttribute('data-result-hash');
    if (diff) {
      v.setAttribute('data-first-diff-index', String(diff.index));
      v.setAttribute('data-first-diff-object', diff.objectId);
    } else {
      v.removeAttribute('data-first-diff-index');
      v.removeAttribute('data-first-diff-object');
    }
    if (r.ok) {
      v.replaceChildren(el('span', { class: 'mark', text: '✓' }), el('strong', { text: tr('page.ok', { id: r.draw.id, tasks: r.tasks }) }),
        el('span', { class: 'detail' }, [tr('page.resultHash') + ' ', el('span', { class: 'hash', text: r.resultHash })]));
    } else if (diff) {
      v.replaceChildren(el('span', { class: 'mark', text: '✗' }), el('strong', { text: tr('page.differs', { n: diff.index + 1, object: diff.objectId }) }),
        el('span', { class: 'detail', text: tr('page.differsFields', { fields: fieldNames(diff.fields) }) }));
    } else {
      v.replaceChildren(el('span', { class: 'mark', text: '✗' }), el('strong', { text: tr(r.draw ? 'page.fail' : 'page.notEvidence', { file: state.file }) }));
    }
    section('problems', r.ok ? [] : [el('ul', { class: 'problems' }, r.problems.map(function (p) { return el('li', { text: problemText(p) }); })), diff ? diffTable(diff) : null]);
    if (!r.draw) {
      ['summary', 'commitment', 'strata'].forEach(function (id) { section(id, []); });
      return;
    }
    section('summary', [el('h2', { text: tr('page.summary') }), summary(r)]);
    section('commitment', [el('h2', { text: tr('page.commitment') }), commitment(r)]);
    section('strata', [el('h2', { text: tr('page.strata') }), strataTable(r), el('p', { class: 'note', text: tr('page.strataNote') })]);
  }

  function summary(r) {
    var d = r.draw;
    var rows = [
      ['page.draw', d.id], ['page.quarter', d.quarter], ['page.level', tr('page.level.' + d.level)], ['page.regions', (d.regions || []).join(', ')],
      ['page.algorithm', r.algorithm], ['page.createdAt', d.createdAt], ['page.entropy', d.entropy],
      ['page.entropySource', MESSAGES['page.source.' + d.entropySource] ? tr('page.source.' + d.entropySource) : d.entropySource], ['page.seed', r.seed || d.seed], ['page.tasks', r.tasks],
    ];
    var dl = el('dl');
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null) return;
      dl.appendChild(el('dt', { text: tr(row[0]) }));
      dl.appendChild(el('dd', { class: /seed/.test(row[0]) ? 'hash' : '', text: String(row[1]) }));
    });
    return dl;
  }

  function commitment(r) {
    var c = r.commitment;
    if (!c) return el('p', { class: 'commit none', text: tr('page.uncommitted') });
    return el('div', { class: 'commit' }, [
      el('p', { text: tr('page.committed', { at: c.at, seq: c.seq }) }),
      el('dl', {}, [
        el('dt', { text: tr('page.commit.source') }), el('dd', { text: String(c.entropySource) }),
        el('dt', { text: tr('page.commit.hash') }), el('dd', { class: 'hash', text: String(c.hash) }),
      ]),
    ]);
  }

  function strataTable(r) {
    var v2 = r.algorithm === 'sj-draw/2';
    var head = ['region', 'class', 'tier', 'population', 'quota', 'credited', 'pool', 'selected', 'shortfall'];
    var canon = globalThis.SjDraw.canonical;
    var rows = r.strata.map(function (s, i) {
      var due = v2 ? Math.max(0, s.quota - s.credited) : s.quota;
      var shortfall = due - s.selected;
      var same = r.fileStrata && canon(r.fileStrata[i] || null) === canon(s);
      return el('tr', { class: same ? '' : 'differs' }, [
        el('td', { text: s.region }), el('td', { text: tr(CLASS_KEYS[s.class] || s.class) }), el('td', { text: s.tier !== null ? s.tier : r.tiered.indexOf(s.class) >= 0 ? tr('page.unrated') : '—' }),
        el('td', { class: 'num', text: String(s.population) }), el('td', { class: 'num', text: String(s.quota) }),
        el('td', { class: 'num', text: v2 ? String(s.credited) : '—' }), el('td', { class: 'num', text: String(s.pool) }),
        el('td', { class: 'num', text: String(s.selected) }), el('td', { class: shortfall > 0 ? 'num short' : 'num', text: String(shortfall) }),
      ]);
    });
    return el('table', { id: 'strata-table' }, [
      el('thead', {}, [el('tr', {}, head.map(function (h) { return el('th', { text: tr('page.col.' + h) }); }))]),
      el('tbody', {}, rows),
    ]);
  }

  function diffTable(diff) {
    var show = function (x) { return x === undefined ? '—' : JSON.stringify(x); };
    return el('table', { id: 'diff-table' }, [
      el('thead', {}, [el('tr', {}, [el('th', { text: tr('page.col.field') }), el('th', { text: tr('page.col.file') }), el('th', { text: tr('page.col.recomputed') })])]),
      el('tbody', {}, diff.fields.map(function (f) {
        return el('tr', {}, [el('td', { text: tr('page.field.' + f) }), el('td', { class: 'hash', text: show(diff.file && diff.file[f]) }),
          el('td', { class: 'hash', text: show(diff.recomputed && diff.recomputed[f]) })]);
      })),
    ]);
  }

  // ---- wiring

  document.querySelectorAll('.lang button').forEach(function (b) {
    b.addEventListener('click', function () { setLang(b.getAttribute('data-lang')); });
  });
  var input = document.getElementById('file');
  input.addEventListener('change', function () { pickFile(input.files[0]); });
  var drop = document.getElementById('drop');
  drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
  drop.addEventListener('drop', function (e) {
    e.preventDefault();
    drop.classList.remove('over');
    pickFile(e.dataTransfer.files[0]);
  });
  setLang(lang);
})();
