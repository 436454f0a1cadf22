/*
 * sj verification page — the draw algorithms sj-draw/1 (docs/draw-v1.md) and sj-draw/2
 * (draw-v2.md), written again in plain JavaScript from the spec pages, with WebCrypto SHA-256.
 *
 * This is an independent second implementation on purpose: the page must not trust sj's own
 * code, only the published algorithm. It runs in three places, unchanged: inside the page's Web
 * Worker (from a Blob URL), in the page itself when a Worker cannot start, and in Node for the
 * test suite (globalThis.crypto.subtle exists in Node 20). So: a classic script, no imports, no
 * DOM; it defines globalThis.SjDraw.
 *
 * Integers only, no floating point; every hash-ordered list is sorted by hash, then id.
 */
(function (root) {
  'use strict';

  /** What differs between the versions (draw-v2.md §0). */
  var VERSIONS = {
    'sj-draw/1': { format: 'sj-evidence/1', prefix: 'sj-draw/1|', credit: false, jointPerRegion: false },
    'sj-draw/2': { format: 'sj-evidence/2', prefix: 'sj-draw/2|', credit: true, jointPerRegion: true },
  };
  var CLASSES = ['special', 'key', 'positive', 'general'];
  var STRATUM_FIELDS = { 'sj-draw/1': ['class', 'pool', 'population', 'quota', 'region', 'selected', 'tier'] };
  STRATUM_FIELDS['sj-draw/2'] = STRATUM_FIELDS['sj-draw/1'].concat(['credited']).sort();
  var TASK_FIELDS = ['class', 'expert', 'inspectors', 'joint', 'key', 'method', 'objectId', 'rank', 'region', 'tier'];

  // ---- primitives (§1)

  /** Compare strings by Unicode code point (a surrogate, i.e. an astral code point, sorts after any BMP char). */
  function compareCodePoints(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var ca = a.charCodeAt(i);
      var cb = b.charCodeAt(i);
      if (ca !== cb) {
        var sa = ca >= 0xd800 && ca <= 0xdfff;
        var sb = cb >= 0xd800 && cb <= 0xdfff;
        if (sa !== sb) return sa ? 1 : -1;
        return ca - cb;
      }
    }
    return a.length - b.length;
  }

  /** canonical(x): sorted keys, no whitespace, integers only; JSON.stringify escapes strings exactly as §1 asks. */
  function canonical(x) {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return JSON.stringify(x);
    if (typeof x === 'number') {
      if (!Number.isSafeInteger(x)) throw new TypeError('not an integer: ' + x);
      return String(x);
    }
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (Array.isArray(x)) return '[' + x.map(canonical).join(',') + ']';
    if (typeof x === 'object') {
      var keys = Object.keys(x).filter(function (k) { return x[k] !== undefined; }).sort(compareCodePoints);
      return '{' + keys.map(function (k) { return JSON.stringify(k) + ':' + canonical(x[k]); }).join(',') + '}';
    }
    throw new TypeError('unsupported value of type ' + typeof x);
  }

  var encoder = new TextEncoder();
  var HEX = [];
  for (var h = 0; h < 256; h++) HEX.push((h < 16 ? '0' : '') + h.toString(16));

  /** H(s): SHA-256 of the UTF-8 bytes, 64 lowercase hex digits. */
  async function H(s) {
    var buf = new Uint8Array(await root.crypto.subtle.digest('SHA-256', encoder.encode(s)));
    var out = '';
    for (var i = 0; i < buf.length; i++) out += HEX[buf[i]];
    return out;
  }
  /** H of many strings at once (WebCrypto is asynchronous: one round trip per batch, not per hash). */
  function Hall(list) {
    return Promise.all(list.map(H));
  }

  var ceilDiv = function (a, b) { return Math.floor((a + b - 1) / b); };
  var byHashThenId = function (a, b) { return a.h < b.h ? -1 : a.h > b.h ? 1 : compareCodePoints(a.id, b.id); };

  // ---- quotas (§4)

  function rateOf(rules, level, cls) {
    var r = rules.rates && rules.rates[level] && rules.rates[level][cls];
    return typeof r === 'number' ? r : 0;
  }

  /** The strata with their quotas and objects, in strata order. */
  function planStrata(level, drawRegions, objects, rules) {
    var groups = new Map();
    objects.forEach(function (o) {
      var r = level === 'city' ? drawRegions[0] : o.region;
      if (!groups.has(r)) groups.set(r, new Map());
      var byClass = groups.get(r);
      if (!byClass.has(o.class)) byClass.set(o.class, []);
      byClass.get(o.class).push(o);
    });
    var out = [];
    Array.from(groups.keys()).sort(compareCodePoints).forEach(function (r) {
      var byClass = groups.get(r);
      CLASSES.forEach(function (c) {
        var members = byClass.get(c);
        var rate = rateOf(rules, level, c);
        if (!members || !members.length || rate <= 0) return;
        var N = members.length;
        var T = Math.min(N, ceilDiv(N * rate, 10000));
        if (rules.tiered.indexOf(c) < 0) {
          out.push({ region: r, class: c, tier: null, quota: T, objects: members });
          return;
        }
        var order = rules.tiers.map(function (t) { return { tier: t.code, pct: t.pct }; }).concat([{ tier: null, pct: 100 }]);
        var byTier = new Map(order.map(function (t) { return [t.tier, []]; }));
        members.forEach(function (o) {
          if (!byTier.has(o.tier)) throw new Error('object ' + o.id + ': tier ' + o.tier + ' is not a tier of the rules');
          byTier.get(o.tier).push(o);
        });
        var n = new Map();
        var sum = 0;
        order.forEach(function (t) {
          var Nt = byTier.get(t.tier).length;
          var nt = Math.min(Nt, ceilDiv(Nt * rate * t.pct, 1000000));
          n.set(t.tier, nt);
          sum += nt;
        });
        // the deficit goes to the highest risk first, then unrated; each takes what it can
        var deficit = T - sum;
        rules.tiers.map(function (t) { return t.code; }).reverse().concat([null]).forEach(function (tier) {
          if (deficit <= 0) return;
          var add = Math.min(deficit, byTier.get(tier).length - n.get(tier));
          if (add > 0) {
            n.set(tier, n.get(tier) + add);
            deficit -= add;
          }
        });
        order.forEach(function (t) {
          var list = byTier.get(t.tier);
          if (list.length) out.push({ region: r, class: c, tier: t.tier, quota: n.get(t.tier), objects: list });
        });
      });
    });
    return out;
  }

  // ---- selection (§5)

  async function selectStrata(v, seed, planned) {
    var result = [];
    for (var k = 0; k < planned.length; k++) {
      var p = planned[k];
      var poolObjs = p.objects.filter(function (o) { return o.excluded === null; });
      var keys = await Hall(poolObjs.map(function (o) { return v.prefix + 'obj|' + seed + '|' + o.id; }));
      var pool = poolObjs.map(function (o, i) { return { o: o, h: keys[i], id: o.id }; }).sort(byHashThenId);
      var credited = v.credit ? p.objects.filter(function (o) { return o.excluded === 'same-quarter'; }).length : 0;
      var due = Math.max(0, p.quota - credited);
      var stratum = { region: p.region, class: p.class, tier: p.tier, population: p.objects.length, quota: p.quota, pool: pool.length, selected: Math.min(due, pool.length) };
      if (v.credit) stratum.credited = credited;
      result.push({ stratum: stratum, pool: pool });
    }
    return result;
  }

  // ---- method, joint tasks, teams, experts (§6)

  function methodFor(drawMethod, preferOffsite, cls, o) {
    if (drawMethod === 'onsite' || drawMethod === 'offsite') return drawMethod;
    return cls === 'positive' || (o.offsite && preferOffsite) ? 'offsite' : 'onsite';
  }

  /** The object ids of the joint tasks: J of all tasks (v1), or J_r of each region's tasks (v2). */
  async function jointTasks(v, seed, share, picked) {
    var groups = new Map();
    picked.forEach(function (p) {
      var g = v.jointPerRegion ? p.s.region : '';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(p);
    });
    var ids = new Set();
    for (var entry of groups) {
      var list = entry[1];
      var J = Math.min(list.length, ceilDiv(list.length * share, 10000));
      if (J <= 0) continue;
      var hs = await Hall(list.map(function (p) { return v.prefix + 'joint|' + seed + '|' + p.o.id; }));
      var order = list.map(function (p, i) { return { id: p.o.id, h: hs[i] }; }).sort(byHashThenId);
      for (var k = 0; k < J; k++) ids.add(order[k].id);
    }
    return ids;
  }

  /** A draw that cannot be made (§6 step 5): the object and why. */
  function failure(code, objectId, detail) {
    var e = new Error(code === 'team-too-few'
      ? 'object ' + objectId + ': only ' + detail.candidates + ' eligible inspector(s) for a team of ' + detail.size
      : 'object ' + objectId + ': joint task but every candidate is of line ' + detail.line);
    e.drawFailure = { code: code, objectId: objectId, detail: detail };
    return e;
  }

  async function candidateOrder(v, ctx, o, loads) {
    var team = ctx.rules.team;
    var cap = team.maxTasksPerInspector;
    var pool = ctx.level === 'county' ? (ctx.byRegion.get(o.region) || [])
      : team.crossRegionAtCity ? ctx.inspectors.filter(function (i) { return i.region !== o.region; }) : ctx.inspectors;
    var eligible = pool.filter(function (i) {
      return !ctx.avoid.has(i.id + '\u0000' + o.id) && !(cap > 0 && (loads.get(i.id) || 0) >= cap);
    });
    var hs = await Hall(eligible.map(function (i) { return v.prefix + 'insp|' + ctx.seed + '|' + o.id + '|' + i.id; }));
    return eligible
      .map(function (i, k) { return { i: i, load: loads.get(i.id) || 0, h: hs[k], id: i.id }; })
      .sort(function (a, b) { return a.load - b.load || byHashThenId(a, b); })
      .map(function (c) { return c.i; });
  }

  function buildTeam(rules, o, joint, order) {
    var size = rules.team.size;
    var team = [];
    if (rules.team.matchSpecialty && o.industry !== '') {
      var m = order.find(function (i) { return i.specialties.indexOf(o.industry) >= 0; });
      if (m) team.push(m);
    }
    if (!team.length && order.length) team.push(order[0]);
    if (!team.length) throw failure('team-too-few', o.id, { candidates: 0, size: size });
    if (joint) {
      var line = team[0].line;
      var other = order.find(function (i) { return i.line !== line; });
      if (!other) throw failure('team-one-line', o.id, { candidates: order.length, size: size, line: line });
      team.push(other);
    }
    for (var k = 0; k < order.length && team.length < size; k++) if (team.indexOf(order[k]) < 0) team.push(order[k]);
    if (team.length < size) throw failure('team-too-few', o.id, { candidates: order.length, size: size });
    return team.map(function (i) { return i.id; });
  }

  async function expertFor(v, ctx, withExperts, o) {
    if (o.industry === '') return null;
    if (!(withExperts || ctx.rules.experts.industries.indexOf(o.industry) >= 0)) return null;
    var fit = ctx.experts.filter(function (e) { return e.industries.indexOf(o.industry) >= 0 && !ctx.avoid.has(e.id + '\u0000' + o.id); });
    var hs = await Hall(fit.map(function (e) { return v.prefix + 'expert|' + ctx.seed + '|' + o.id + '|' + e.id; }));
    var c = fit.map(function (e, k) { return { h: hs[k], id: e.id }; }).sort(byHashThenId);
    return c.length ? c[0].id : null;
  }

  // ---- the whole draw

  /**
   * Recompute a draw from an evidence file's `draw` and `snapshot`: seed, snapshotHash, strata,
   * tasks, resultHash. `progress(done, total)` is called now and then while teams are built.
   */
  async function recompute(ev, progress) {
    var v = VERSIONS[ev.algorithm];
    if (!v) throw new Error('unknown algorithm ' + JSON.stringify(ev.algorithm));
    var d = ev.draw;
    var snap = ev.snapshot;
    var rules = snap.rules;
    var seed = await H(v.prefix + 'seed|' + d.id + '|' + d.entropy);
    var strata = await selectStrata(v, seed, planStrata(d.level, d.regions, snap.objects, rules));
    var picked = [];
    strata.forEach(function (s) {
      for (var k = 0; k < s.stratum.selected; k++) picked.push({ o: s.pool[k].o, h: s.pool[k].h, id: s.pool[k].id, s: s.stratum, rank: k + 1 });
    });
    picked.sort(byHashThenId);
    var joint = await jointTasks(v, seed, d.jointShare, picked);
    var byRegion = new Map();
    snap.inspectors.forEach(function (i) {
      if (!byRegion.has(i.region)) byRegion.set(i.region, []);
      byRegion.get(i.region).push(i);
    });
    var ctx = {
      seed: seed, level: d.level, rules: rules, inspectors: snap.inspectors, experts: snap.experts, byRegion: byRegion,
      avoid: new Set(snap.avoidance.map(function (p) { return p[0] + '\u0000' + p[1]; })),
    };
    var loads = new Map();
    var tasks = [];
    for (var n = 0; n < picked.length; n++) {
      var p = picked[n];
      var isJoint = joint.has(p.o.id);
      var team = buildTeam(rules, p.o, isJoint, await candidateOrder(v, ctx, p.o, loads));
      team.forEach(function (id) { loads.set(id, (loads.get(id) || 0) + 1); });
      tasks.push({
        objectId: p.o.id, region: p.s.region, class: p.s.class, tier: p.s.tier, rank: p.rank, key: p.h,
        method: methodFor(d.method, rules.method.preferOffsite, p.s.class, p.o), joint: isJoint,
        inspectors: team, expert: await expertFor(v, ctx, d.withExperts, p.o),
      });
      if (progress && n % 32 === 31) progress(n + 1, picked.length);
    }
    return {
      seed: seed,
      snapshotHash: await H(canonical(snap)),
      strata: strata.map(function (s) { return s.stratum; }),
      tasks: tasks,
      resultHash: await H(canonical(tasks)),
    };
  }

  // ---- checking an evidence file

  var isObj = function (x) { return typeof x === 'object' && x !== null && !Array.isArray(x); };
  var sameKeys = function (o, keys) {
    var k = Object.keys(o).sort();
    return k.length === keys.length && k.every(function (x, i) { return x === keys[i]; });
  };

  /** The shape problems that stop a recompute (the rest shows up as differences). */
  function shapeProblems(ev) {
    var p = [];
    if (!isObj(ev)) return [{ code: 'notObject' }];
    var v = VERSIONS[ev.algorithm];
    if (!v) return [{ code: 'algorithm', found: String(ev.algorithm) }];
    if (ev.format !== v.format) p.push({ code: 'format', found: String(ev.format), expected: v.format });
    var d = ev.draw;
    var s = ev.snapshot;
    if (!isObj(d) || typeof d.id !== 'string' || typeof d.entropy !== 'string' || !Array.isArray(d.regions)) p.push({ code: 'field', field: 'draw' });
    if (!isObj(s) || !isObj(s.rules) || !['objects', 'inspectors', 'experts', 'avoidance'].every(function (k) { return Array.isArray(s[k]); })) p.push({ code: 'field', field: 'snapshot' });
    if (!Array.isArray(ev.strata) || !ev.strata.every(function (x) { return isObj(x) && sameKeys(x, STRATUM_FIELDS[ev.algorithm]); })) p.push({ code: 'field', field: 'strata' });
    if (!Array.isArray(ev.tasks) || !ev.tasks.every(function (x) { return isObj(x) && sameKeys(x, TASK_FIELDS); })) p.push({ code: 'field', field: 'tasks' });
    return p;
  }

  /** The fields in which two tasks differ. */
  function taskDiff(a, b) {
    return TASK_FIELDS.filter(function (f) { return canonical(a ? a[f] : null) !== canonical(b ? b[f] : null); });
  }

  /**
   * Check an evidence document: recompute the draw and compare everything the file states.
   * Returns { ok, algorithm, draw, resultHash (recomputed), problems [{code, …}], firstDiff,
   * strata (recomputed), commitment }. Problems carry codes, not text: the page words them.
   */
  async function verify(ev, progress) {
    var shape = shapeProblems(ev);
    if (shape.length) return { ok: false, problems: shape, firstDiff: null, strata: [], commitment: null };
    var re;
    try {
      re = await recompute(ev, progress);
    } catch (e) {
      var f = e.drawFailure;
      return {
        ok: false, algorithm: ev.algorithm, draw: ev.draw, firstDiff: null, strata: [], commitment: ev.draw.commitment || null,
        problems: [f ? { code: 'drawFailure', objectId: f.objectId, why: e.message } : { code: 'broken', why: String(e && e.message || e) }],
      };
    }
    var p = [];
    if (re.seed !== ev.draw.seed) p.push({ code: 'seed', expected: re.seed, found: String(ev.draw.seed) });
    if (re.snapshotHash !== ev.snapshotHash) p.push({ code: 'snapshotHash', expected: re.snapshotHash, found: String(ev.snapshotHash) });
    var n = Math.max(re.strata.length, ev.strata.length);
    for (var i = 0; i < n; i++) {
      if (canonical(re.strata[i] || null) !== canonical(ev.strata[i] || null)) {
        p.push({ code: 'strata', index: i });
        break;
      }
    }
    var firstDiff = null;
    var m = Math.max(re.tasks.length, ev.tasks.length);
    for (var k = 0; k < m; k++) {
      var fields = taskDiff(re.tasks[k], ev.tasks[k]);
      if (fields.length) {
        var a = ev.tasks[k] || re.tasks[k];
        firstDiff = { index: k, objectId: a.objectId, fields: fields, file: ev.tasks[k] || null, recomputed: re.tasks[k] || null };
        p.push({ code: 'task', index: k, objectId: a.objectId, fields: fields });
        break;
      }
    }
    if (re.tasks.length !== ev.tasks.length) p.push({ code: 'taskCount', expected: re.tasks.length, found: ev.tasks.length });
    if (re.resultHash !== ev.resultHash) p.push({ code: 'resultHash', expected: re.resultHash, found: String(ev.resultHash) });
    if (isObj(ev.ledger)) {
      // the draw's ledger entry (§8): its hash covers the whole file but the ledger member
      var rest = Object.assign({}, ev);
      delete rest.ledger;
      var h = await H('sj-ledger/1|' + ev.ledger.seq + '|draw|' + ev.ledger.prevHash + '|' + await H(canonical(rest)));
      if (h !== ev.ledger.hash) p.push({ code: 'ledger', expected: h, found: String(ev.ledger.hash) });
    }
    return {
      ok: p.length === 0, algorithm: ev.algorithm, draw: ev.draw, resultHash: re.resultHash, seed: re.seed,
      problems: p, firstDiff: firstDiff, strata: re.strata, fileStrata: ev.strata, tasks: re.tasks.length,
      commitment: ev.draw.commitment || null, tiered: ev.snapshot.rules.tiered,
    };
  }

  root.SjDraw = { VERSIONS: VERSIONS, canonical: canonical, H: H, planStrata: planStrata, recompute: recompute, verify: verify };
})(globalThis);
