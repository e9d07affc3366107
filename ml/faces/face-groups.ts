/** A face the grouping knows: a stable id (note id + face index) and its unit-length embedding. */
export interface GroupedFace {
  readonly id: string;
  readonly embedding: Float32Array;
}

/**
 * People as groups of faces, built as faces arrive (import, sync) across the
 * whole vault. Two faces are linked when their cosine similarity is at least
 * `threshold`, or when the user merged their groups; a group is a connected
 * set of links (union-find).
 *
 * Why links and not centroids: a group then depends only on which faces exist,
 * not on the order they came in (import order, sync order, which device saw
 * which first), and a new face can only add links, so it can join groups but
 * never split one: a merge, the user's or the threshold's, is never undone by
 * an incoming photo. The cost is chaining (A~B, B~C puts A with C), which is
 * why the threshold is set for precision (models/README.md, "Faces").
 *
 * A group's id is its smallest face id, so it is the same on every device
 * that holds the same faces.
 */
export class FaceGroups {
  readonly #faces = new Map<string, Float32Array>();
  readonly #parent = new Map<string, string>();

  constructor(readonly threshold: number) {
    if (!(threshold > -1 && threshold <= 1)) throw new RangeError(`threshold must be in (-1, 1], got ${threshold}`);
  }

  get size(): number {
    return this.#faces.size;
  }

  /** Adds a face (again: ignored) and links it to every face close enough; returns its group id. */
  add(face: GroupedFace): string {
    if (this.#faces.has(face.id)) return this.groupOf(face.id)!;
    const e = face.embedding;
    this.#parent.set(face.id, face.id);
    for (const [id, other] of this.#faces) {
      if (other.length === e.length && dot(e, other) >= this.threshold) this.#union(id, face.id);
    }
    this.#faces.set(face.id, e);
    return this.groupOf(face.id)!;
  }

  /** The user says two faces are one person: their groups become one, for good. */
  merge(a: string, b: string): string {
    if (!this.#faces.has(a) || !this.#faces.has(b)) throw new Error('merge: unknown face');
    this.#union(a, b);
    return this.groupOf(a)!;
  }

  groupOf(id: string): string | undefined {
    if (!this.#parent.has(id)) return undefined;
    let root = id;
    for (let up = this.#parent.get(root)!; up !== root; up = this.#parent.get(root)!) root = up;
    // Path compression: point every face on the way straight at the root.
    for (let at = id; at !== root; ) {
      const next = this.#parent.get(at)!;
      this.#parent.set(at, root);
      at = next;
    }
    return root;
  }

  /** Group id -> its face ids, both sorted, so two devices print the same. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const id of [...this.#faces.keys()].sort()) {
      const g = this.groupOf(id)!;
      const list = out.get(g);
      if (list) list.push(id);
      else out.set(g, [id]);
    }
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The smaller id becomes the root, so the group id is its smallest face id whatever the order. */
  #union(a: string, b: string): void {
    const ra = this.groupOf(a)!;
    const rb = this.groupOf(b)!;
    if (ra === rb) return;
    if (ra < rb) this.#parent.set(rb, ra);
    else this.#parent.set(ra, rb);
  }
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
