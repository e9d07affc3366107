/** A growable Uint32Array: millions of postings written without a number[] of boxed values. */
export class U32Writer {
  private data = new Uint32Array(1 << 16);
  private length = 0;

  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  pair(a: number, b: number): void {
    this.push(a);
    this.push(b);
  }

  done(): Uint32Array {
    return this.data.slice(0, this.length);
  }

  private grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** Reads a Uint32Array front to back; `next` is undefined past the end. */
export class U32Reader {
  private at = 0;

  constructor(private readonly data: Uint32Array) {}

  get left(): number {
    return this.data.length - this.at;
  }

  next(): number | undefined {
    return this.at < this.data.length ? this.data[this.at++] : undefined;
  }
}
