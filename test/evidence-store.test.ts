/**
 * The stored evidence (io/evidence-store.ts, migration 5): canonical JSON in brotli-compressed
 * parts, written in one pass, read back part by part into the same document; `sj draw export`
 * gives the bytes it gave when the evidence was one TEXT value; migration 5 converts old rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical, canonicalParts, type CanonicalPart } from '../src/core/canonical.js';
import { H, hashCanonical, takeCanonicalText, TextArena } from '../src/core/hash.js';
import { openDb } from '../src/io/db.js';
import { partCompressor, sharedBlock } from '../src/io/compress.js';
import { compressText, decompressText, evidenceParts, MemberHasher, readEvidence, storeEvidence, type EvidenceBody } from '../src/io/evidence-store.js';
import { run as sj } from './cli.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';
import { toLegacyEvidence } from './legacy-evidence.js';

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';

beforeAll(async () => {
  await hengshuiTemplate();
});

/** An evidence-shaped document with long arrays at two depths and the awkward strings of §1. */
function bigDocument(n: number) {
  const objects = Array.from({ length: n }, (_, i) => ({
    region: '131102', id: `O${String(i).padStart(6, '0')}`, name: i % 3 ? `衡水市测试${i}号` : `𠀀 non-BMP \u2028 "q" \\ ${i}`,
    tier: i % 5 ? 'B' : null, excluded: i % 11 ? null : 'season', class: 'general', offsite: i % 2 === 0,
  }));
  const tasks = Array.from({ length: 2500 }, (_, i) => ({ objectId: objects[i]!.id, inspectors: ['I1', `I${i}`], rank: i + 1, key: H(String(i)) }));
  return {
    format: 'sj-evidence/2', algorithm: 'sj-draw/2',
    draw: { id: 'x', regions: ['131102'], seed: H('s') },
    snapshot: { rules: { rates: { county: { key: 2500 } }, years: { '2024': 1, '2023': 2 } }, objects, inspectors: [], experts: [], avoidance: [['I1', 'O000001']] },
    snapshotHash: H('a'), strata: [], tasks, resultHash: H('b'),
  };
}

describe('canonicalParts', () => {
  it('cuts canonical(x) into text and items pieces that concatenate to it and rebuild x', () => {
    const doc = bigDocument(9000);
    const pieces: { s: string; part: CanonicalPart }[] = [];
    canonicalParts(doc, (s, part) => pieces.push({ s, part }), 1 << 14);
    expect(pieces.map((p) => p.s).join('')).toBe(canonical(doc));
    const items = pieces.filter((p) => p.part.kind === 'items');
    expect(new Set(items.map((p) => JSON.stringify(p.part.path)))).toEqual(new Set(['["snapshot","objects"]', '["tasks"]']));
    // the text pieces are the document with its long arrays empty
    const skeleton = JSON.parse(pieces.filter((p) => p.part.kind === 'text').map((p) => p.s).join(''));
    expect(skeleton.snapshot.objects).toEqual([]);
    expect(skeleton.tasks).toEqual([]);
    expect(skeleton.snapshot.rules).toEqual(doc.snapshot.rules);
    // every items piece is whole elements, with the comma before it when it is not the first
    const objectPieces = items.filter((p) => p.part.path?.[1] === 'objects');
    expect(objectPieces.length).toBeGreaterThan(3);
    const elems = objectPieces.flatMap((p, k) => {
      expect(p.s.startsWith(',')).toBe(k > 0);
      return JSON.parse(`[${k ? p.s.slice(1) : p.s}]`) as unknown[];
    });
    expect(canonical(elems)).toBe(canonical(doc.snapshot.objects));
  });

  it('leaves a long array below an array as text; one at the top is items of the empty path', () => {
    const nested = { a: [Array.from({ length: 5000 }, (_, i) => i)] };
    const top = Array.from({ length: 5000 }, (_, i) => ({ i }));
    for (const x of [nested, top]) {
      const parts: CanonicalPart[] = [];
      let s = '';
      canonicalParts(x, (c, part) => { parts.push(part); s += c; }, 64);
      expect(s).toBe(canonical(x));
      const items = parts.filter((p) => p.kind === 'items');
      if (x === nested) expect(items).toEqual([]);
      else expect(items.length > 0 && items.every((p) => p.path!.length === 0)).toBe(true);
    }
  });
});

describe('storeEvidence / readEvidence', () => {
  it('stores the canonical text compressed in parts and reads back the same document and its hash', () => {
    const db = openDb(':memory:');
    const doc = bigDocument(20000) as unknown as EvidenceBody;
    const hash = storeEvidence(db, 'x', doc);
    const text = canonical(doc);
    expect(hash).toBe(H(text));
    const rows = db.prepare('SELECT part, kind, length(data) AS n FROM draw_evidence WHERE draw_id = ? ORDER BY part').all('x') as { part: number; kind: string; n: number }[];
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.reduce((n, r) => n + r.n, 0)).toBeLessThan(Buffer.byteLength(text) / 3); // compressed
    expect(Buffer.concat([...evidenceParts(db, 'x')].map((p) => p.bytes)).toString('utf8')).toBe(text);
    const back = readEvidence(db, 'x')!;
    expect(back.textHash).toBe(hash);
    expect(JSON.stringify(back.body)).toBe(JSON.stringify(JSON.parse(text))); // same members in the same order
    expect(readEvidence(db, 'none')).toBeUndefined();
  });
});

describe('storeEvidence with the text runDraw kept', () => {
  it('stores the same parts, and the kept text is handed over once', () => {
    const db = openDb(':memory:');
    const doc = bigDocument(12000) as unknown as EvidenceBody;
    const copy = JSON.parse(JSON.stringify(doc)) as EvidenceBody; // equal, but nothing kept for it
    expect(hashCanonical(doc.snapshot, { keep: true })).toBe(H(canonical(doc.snapshot)));
    expect(hashCanonical(doc.tasks, { keep: true })).toBe(H(canonical(doc.tasks)));
    expect(storeEvidence(db, 'kept', doc)).toBe(H(canonical(doc)));
    expect(takeCanonicalText(doc.snapshot)).toBeUndefined(); // taken by the store
    expect(storeEvidence(db, 'made', copy)).toBe(H(canonical(doc)));
    const parts = (id: string) => db.prepare('SELECT part, kind, path, data FROM draw_evidence WHERE draw_id = ? ORDER BY part').all(id)
      .map((r) => { const x = r as { part: number; kind: string; path: string | null; data: Buffer }; return { ...x, data: decompressText(x.data).toString('utf8') }; });
    expect(parts('kept')).toEqual(parts('made'));
  });

  it('stores the same parts whatever memory the kept text is in: shared blocks, or blocks too small for a part (copied, not viewed)', () => {
    const db = openDb(':memory:');
    const made = JSON.parse(JSON.stringify(bigDocument(12000))) as EvidenceBody;
    expect(storeEvidence(db, 'made', made)).toBe(H(canonical(made)));
    const arenas: [string, TextArena][] = [
      ['shared', new TextArena(sharedBlock)],
      ['shared, 64 KB blocks', new TextArena(sharedBlock, 64 << 10)],
      ['plain, 100 KB blocks', new TextArena(undefined, 100_000)],
    ];
    for (const [name, arena] of arenas) {
      const doc = bigDocument(12000) as unknown as EvidenceBody;
      expect(hashCanonical(doc.snapshot, { keep: true, arena })).toBe(H(canonical(doc.snapshot)));
      expect(hashCanonical(doc.tasks, { keep: true, arena })).toBe(H(canonical(doc.tasks)));
      expect(storeEvidence(db, name, doc)).toBe(H(canonical(doc)));
      expect(storedParts(db, name), name).toEqual(storedParts(db, 'made'));
    }
  });
});

function storedParts(db: ReturnType<typeof openDb>, id: string) {
  return db.prepare('SELECT part, kind, path, data FROM draw_evidence WHERE draw_id = ? ORDER BY part').all(id)
    .map((r) => { const x = r as { part: number; kind: string; path: string | null; data: Buffer }; return { part: x.part, kind: x.kind, path: x.path, data: decompressText(x.data).toString('utf8') }; });
}

describe('TextArena (the kept text, encoded into blocks)', () => {
  it('gives each string its UTF-8 bytes, in bytes no other string shares, across many blocks', () => {
    const arena = new TextArena(undefined, 4096);
    const strings = Array.from({ length: 3000 }, (_, i) => ['a'.repeat(i % 700), '衡水', '😀', '\ud800', '"\n"'][i % 5]! + String(i));
    const views = strings.map((s) => arena.encode(s));
    views.forEach((v, i) => expect(Buffer.from(v.buffer, v.byteOffset, v.length).equals(Buffer.from(strings[i]!, 'utf8')), strings[i]).toBe(true)); // a lone surrogate as U+FFFD, as Node's hashing reads it
    const buffers = new Set(views.map((v) => v.buffer));
    expect(buffers.size).toBeGreaterThan(10); // many blocks were used
    // no two views overlap
    const ranges = views.map((v) => [v.buffer, v.byteOffset, v.byteOffset + v.length] as const).sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : 0));
    for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] === ranges[i - 1]![0]) expect(ranges[i]![1]).toBeGreaterThanOrEqual(ranges[i - 1]![2]);
  });
});

describe('the snapshot\'s hash from the stored text (MemberHasher)', () => {
  it('equals H(canonical(snapshot)) for stored evidence, and names no member it cannot be sure of', () => {
    const db = openDb(':memory:');
    const doc = bigDocument(9000) as unknown as EvidenceBody & { snapshot: { rules: Record<string, unknown> } };
    // a member named "snapshot" deeper down, and strings that look like structure
    doc.snapshot.rules.snapshot = { '"snapshot":': '},{"snapshot":[' };
    (doc as unknown as { zz: string }).zz = '"snapshot":{}';
    storeEvidence(db, 'x', doc);
    const back = readEvidence(db, 'x')!;
    expect(back.snapshotTextHash).toBe(H(canonical(doc.snapshot)));
    expect(back.snapshotTextHash).not.toBe(H(canonical(doc.snapshot.objects)));
  });

  it('gives the same hash however the text is cut into parts, and undefined when the member is missing, twice or escaped', () => {
    const snapshot = { a: [1, '}', '"\\'], b: { snapshot: '{[' }, c: '𠀀' };
    const text = `{"algorithm":"sj-draw/2","snapshot":${canonical(snapshot)},"snapshotHash":"x"}`;
    const bytes = Buffer.from(text, 'utf8');
    const want = H(canonical(snapshot));
    for (const cuts of [[], [1], [20, 21, 22], [5, 40, 41, 77], Array.from({ length: bytes.length }, (_, i) => i)]) {
      const m = new MemberHasher('snapshot');
      let from = 0;
      for (const at of [...cuts, bytes.length]) {
        m.add(bytes.subarray(from, at), true);
        from = at;
      }
      expect(m.digest()).toBe(want);
    }
    const hashOf = (t: string) => {
      const m = new MemberHasher('snapshot');
      m.add(Buffer.from(t, 'utf8'), true);
      return m.digest();
    };
    expect(hashOf('{"snapshot":{"a":1}}')).toBe(H('{"a":1}')); // the last member
    expect(hashOf('{"snapshots":{"a":1}}')).toBeUndefined();
    expect(hashOf('{"snapshot":{"a":1},"snapshot":{"a":2}}')).toBeUndefined();
    expect(hashOf('{"snap\\u0073hot":{"a":1}}')).toBeUndefined();
    expect(hashOf('{"x":{"snapshot":{"a":1}}}')).toBeUndefined();
  });
});

describe('partCompressor', () => {
  // from the TypeScript source the worker cannot load its file: the thread never answers, and
  // after its stall time the parts it was given are compressed here, the same bytes
  it('gives compressText\'s bytes in order when its thread fails', () => {
    const parts = Array.from({ length: 12 }, (_, i) => Buffer.from(`${'衡水'.repeat(20000 * (i + 1))}|${i}`));
    const c = partCompressor({ thread: true });
    const reused = Buffer.alloc(2 << 20);
    for (const p of parts) {
      p.copy(reused);
      c.add(reused.subarray(0, p.length));
      reused.fill(0); // the compressor kept its own copy
    }
    const got = c.finish();
    expect(got).toHaveLength(parts.length);
    got.forEach((d, i) => expect(decompressText(d).equals(parts[i]!)).toBe(true));
    expect(got.every((d, i) => d.equals(compressText(parts[i]!)))).toBe(true);
    expect(c.threaded).toBe(0);
  }, 30_000);
});

describe('sj draw export and migration 5', () => {
  it('exports the bytes the one-TEXT evidence gave, before and after migrating an old database', async () => {
    const { dir, path } = await hengshuiDb();
    expect((await sj(['--db', path, 'draw', '--quarter', '2023Q2', '--date', '2023-04-03', '--seed', SEED, '--yes'])).status).toBe(0);
    const ids = ['2023Q2-city-01', '2023Q2-county-01'];
    const exported = async (id: string) => {
      const file = join(dir, `${id}.json`);
      expect((await sj(['--db', path, 'draw', 'export', id, '--out', file])).status).toBe(0);
      const out = await sj(['--db', path, 'draw', 'export', id]);
      expect(out.status).toBe(0);
      const bytes = readFileSync(file, 'utf8');
      expect(out.stdout).toBe(bytes); // stdout and file alike
      return bytes;
    };
    const before = new Map<string, string>();
    for (const id of ids) before.set(id, await exported(id));

    // the database as an older sj wrote it: the text in draws.evidence
    let db = new Database(path);
    toLegacyEvidence(db);
    const legacy = new Map(db.prepare('SELECT id, seq, evidence FROM draws').all().map((r) => [(r as { id: string }).id, r as { seq: number; evidence: string }]));
    const ledger = db.prepare('SELECT seq, prev_hash, hash FROM ledger').all() as { seq: number; prev_hash: string; hash: string }[];
    db.close();
    for (const id of ids) {
      // what the export of the one-TEXT evidence was: the parsed text, members in evidence order
      const ev = JSON.parse(legacy.get(id)!.evidence);
      const le = ledger.find((l) => l.seq === legacy.get(id)!.seq)!;
      const old = {
        format: ev.format, algorithm: ev.algorithm, draw: ev.draw, snapshot: ev.snapshot, snapshotHash: ev.snapshotHash,
        strata: ev.strata, tasks: ev.tasks, resultHash: ev.resultHash, ledger: { seq: le.seq, prevHash: le.prev_hash, hash: le.hash },
      };
      expect(before.get(id)).toBe(JSON.stringify(old, null, 1) + '\n');
    }

    // opening migrates: one compressed text part per draw, draws.evidence emptied, same bytes out
    expect((await sj(['--db', path, 'verify'])).status).toBe(0);
    db = new Database(path);
    expect(db.prepare('SELECT COUNT(*) FROM draws WHERE evidence <> \'\'').pluck().get()).toBe(0);
    expect(db.prepare('SELECT draw_id, part, kind FROM draw_evidence ORDER BY draw_id, part').all()).toEqual(ids.map((id) => ({ draw_id: id, part: 0, kind: 'text' })));
    for (const id of ids) expect(readEvidence(db, id)!.textHash).toBe(H(legacy.get(id)!.evidence));
    expect(() => db.prepare('UPDATE draw_evidence SET part = 9').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE draws SET evidence = 1').run()).toThrow(/append-only/);
    db.close();
    for (const id of ids) expect(await exported(id)).toBe(before.get(id));
  });
});
