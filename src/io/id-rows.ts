/**
 * Duplicate-id detection for imports (io/import-rows.ts): id → the row it was first seen on,
 * compact (a million ids take ~40 MB, not the ~150 MB of a Map of strings): ids as UTF-8 in one
 * growing arena, an open-addressing table of offsets and their ids' hashes. An ASCII id (credit
 * codes, certificate numbers: nearly all of them) is written and compared here, code unit by
 * code unit, without a Buffer call; the stored hashes spare most comparisons and a rehash on growth.
 */
export class IdRows {
  private arena = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private slots = new Int32Array(1 << 16).fill(-1); // arena offset of the entry, -1 = empty
  private rows = new Int32Array(1 << 16);
  /** the hash of each slot's id */
  private hashes = new Int32Array(1 << 16);
  private n = 0;
  /** the id being looked up, as UTF-8 (reused: no Buffer per row) */
  private key = Buffer.allocUnsafe(256);

  /** the slot of `id` (hash h, UTF-8 bytes key[0..n)): its own, or the empty one it would go to */
  private find(h: number, bytes: Buffer, n: number): number {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const off = this.slots[i]!;
      if (off < 0) return i;
      if (this.hashes[i] !== h) continue;
      const len = this.arena[off]! | (this.arena[off + 1]! << 8);
      if (len === n && this.arena.compare(bytes, 0, n, off + 2, off + 2 + n) === 0) return i;
    }
  }
  /** find() for an ASCII id: its UTF-8 bytes are its code units */
  private findAscii(h: number, id: string): number {
    const mask = this.slots.length - 1;
    const { arena } = this;
    const n = id.length;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const off = this.slots[i]!;
      if (off < 0) return i;
      if (this.hashes[i] !== h || (arena[off]! | (arena[off + 1]! << 8)) !== n) continue;
      let k = 0;
      while (k < n && arena[off + 2 + k] === id.charCodeAt(k)) k++;
      if (k === n) return i;
    }
  }
  /** The row `id` was first seen on; or, when it is new, 0 (and `row` is recorded for it). */
  claim(id: string, row: number): number {
    let h = 0x811c9dc5;
    let ascii = true;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c > 0x7f) ascii = false;
      h = Math.imul(h ^ c, 0x01000193);
    }
    h |= 0;
    let n = id.length;
    if (!ascii) {
      // a UTF-16 unit is at most 3 bytes of UTF-8
      if (id.length * 3 > this.key.length) this.key = Buffer.allocUnsafe(Math.max(id.length * 3, this.key.length * 2));
      n = this.key.write(id, 0, 'utf8');
    }
    if (n > 0xffff) throw new Error('id too long');
    let i = ascii ? this.findAscii(h, id) : this.find(h, this.key, n);
    if (this.slots[i]! >= 0) return this.rows[i]!;
    if ((this.n + 1) * 2 > this.slots.length) {
      this.grow();
      i = ascii ? this.findAscii(h, id) : this.find(h, this.key, n);
    }
    if (this.used + 2 + n > this.arena.length) {
      const a = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + 2 + n));
      this.arena.copy(a, 0, 0, this.used);
      this.arena = a;
    }
    const at = this.used;
    this.arena[at] = n & 0xff;
    this.arena[at + 1] = n >>> 8;
    if (ascii) for (let k = 0; k < n; k++) this.arena[at + 2 + k] = id.charCodeAt(k);
    else this.key.copy(this.arena, at + 2, 0, n);
    this.slots[i] = at;
    this.rows[i] = row;
    this.hashes[i] = h;
    this.used += 2 + n;
    this.n++;
    return 0;
  }
  private grow(): void {
    const { slots, rows, hashes } = this;
    const size = slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.rows = new Int32Array(size);
    this.hashes = new Int32Array(size);
    const mask = size - 1;
    for (let j = 0; j < slots.length; j++) {
      if (slots[j]! < 0) continue;
      let i = hashes[j]! & mask;
      while (this.slots[i]! >= 0) i = (i + 1) & mask;
      this.slots[i] = slots[j]!;
      this.rows[i] = rows[j]!;
      this.hashes[i] = hashes[j]!;
    }
  }
}
