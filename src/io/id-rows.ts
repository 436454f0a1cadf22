/**
 * Duplicate-id detection for imports (io/import-rows.ts): id → the row it was first seen on,
 * compact (a million ids take ~40 MB, not the ~150 MB of a Map of strings): ids as UTF-8 in one
 * growing arena, an open-addressing table of offsets.
 */
export class IdRows {
  private arena = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private slots = new Int32Array(1 << 16).fill(-1); // arena offset of the entry, -1 = empty
  private rows = new Int32Array(1 << 16);
  private n = 0;
  /** the id being looked up, as UTF-8 (reused: no Buffer per row) */
  private key = Buffer.allocUnsafe(256);

  private static hash(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }
  /** the slot of `id`: its own, or the empty one it would go to */
  private find(id: string, bytes: Buffer, n: number): number {
    const mask = this.slots.length - 1;
    for (let i = IdRows.hash(id) & mask; ; i = (i + 1) & mask) {
      const off = this.slots[i]!;
      if (off < 0) return i;
      const len = this.arena[off]! | (this.arena[off + 1]! << 8);
      if (len === n && this.arena.compare(bytes, 0, n, off + 2, off + 2 + n) === 0) return i;
    }
  }
  /** The row `id` was first seen on; or, when it is new, 0 (and `row` is recorded for it). */
  claim(id: string, row: number): number {
    // a UTF-16 unit is at most 3 bytes of UTF-8
    if (id.length * 3 > this.key.length) this.key = Buffer.allocUnsafe(Math.max(id.length * 3, this.key.length * 2));
    const bytes = this.key;
    const n = bytes.write(id, 0, 'utf8');
    if (n > 0xffff) throw new Error('id too long');
    let i = this.find(id, bytes, n);
    if (this.slots[i]! >= 0) return this.rows[i]!;
    if ((this.n + 1) * 2 > this.slots.length) {
      this.grow();
      i = this.find(id, bytes, n);
    }
    if (this.used + 2 + n > this.arena.length) {
      const a = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + 2 + n));
      this.arena.copy(a, 0, 0, this.used);
      this.arena = a;
    }
    this.arena.writeUInt16LE(n, this.used);
    bytes.copy(this.arena, this.used + 2, 0, n);
    this.slots[i] = this.used;
    this.rows[i] = row;
    this.used += 2 + n;
    this.n++;
    return 0;
  }
  private grow(): void {
    const oldSlots = this.slots;
    const oldRows = this.rows;
    this.slots = new Int32Array(oldSlots.length * 2).fill(-1);
    this.rows = new Int32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const off = oldSlots[j]!;
      if (off < 0) continue;
      const len = this.arena.readUInt16LE(off);
      let i = IdRows.hash(this.arena.toString('utf8', off + 2, off + 2 + len)) & mask;
      while (this.slots[i]! >= 0) i = (i + 1) & mask;
      this.slots[i] = off;
      this.rows[i] = oldRows[j]!;
    }
  }
}
