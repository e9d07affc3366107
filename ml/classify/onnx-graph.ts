/**
 * Just enough of an ONNX model's protobuf to estimate what running it costs
 * (graph-cost.ts): nodes, attributes, the shapes of inputs and initializers, and the
 * values of small integer initializers (shapes, axes, repeats). Hand-written because the
 * worker must not carry a protobuf library, and because the bytes are hostile: every read
 * is bounds-checked, nothing recurses deeper than the fixed nesting of the schema, and
 * unknown fields are skipped. Never throws; a malformed model answers undefined.
 */
export type OnnxAttr = {
  readonly i?: number;
  readonly f?: number;
  readonly ints?: readonly number[];
  readonly t?: OnnxConst;
  /** A subgraph (Loop, Scan, If bodies): its cost cannot be bounded from here. */
  readonly graph?: true;
};

export type OnnxNode = {
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
};

/** A tensor known before running: its dims, and its values when small and integer (or float). */
export type OnnxConst = { readonly dims: readonly number[]; readonly values?: readonly number[] };

export type OnnxGraph = {
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxConst>;
  /** Graph inputs that are not initializers; dims are undefined where named (free). */
  readonly inputs: readonly { readonly name: string; readonly dims?: readonly (number | undefined)[] }[];
};

/** Values are read only for tensors this small: shapes, axes, pads, repeats, scales. */
const MAX_CONST_VALUES = 64;
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  done(): boolean {
    return this.pos >= this.end;
  }
  /** A varint as a BigInt (int64 fields need all 64 bits: -1 is 2^64 - 1 on the wire). */
  big(): bigint {
    let result = 0n;
    for (let i = 0n; i < 10n; i++) {
      if (this.pos >= this.end) throw new RangeError('varint past end');
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << (7n * i);
      if (b < 0x80) return result;
    }
    throw new RangeError('varint too long');
  }
  /** Lengths, field keys and enums; past 2^53 is no honest length here. */
  varint(): number {
    return Number(this.big());
  }
  int64(): number {
    return Number(BigInt.asIntN(64, this.big()));
  }
  sub(): Reader {
    const length = this.varint();
    if (!(length >= 0 && this.pos + length <= this.end)) throw new RangeError('length past end');
    const r = new Reader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return r;
  }
  string(): string {
    const r = this.sub();
    return new TextDecoder().decode(this.bytes.subarray(r.pos, r.end));
  }
  float(): number {
    if (this.pos + 4 > this.end) throw new RangeError('float past end');
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.sub();
    else if (wire === 5) this.pos += 4;
    else throw new RangeError(`wire type ${wire}`);
    if (this.pos > this.end) throw new RangeError('skip past end');
  }
  /** Calls `field` for each (number, wire type); it must consume the value or return false to skip it. */
  fields(field: (n: number, wire: number) => boolean): void {
    while (!this.done()) {
      const key = this.varint();
      const n = Math.floor(key / 8);
      const wire = key % 8;
      if (!field(n, wire)) this.skip(wire);
    }
  }
  /** A repeated integer field, packed (wire 2) or not; past `max` values the rest is read and dropped. */
  ints(wire: number, into: number[], max = Infinity): void {
    if (wire !== 2) {
      const v = this.int64();
      if (into.length < max) into.push(v);
      return;
    }
    const r = this.sub();
    while (!r.done() && into.length < max) into.push(r.int64());
  }
}

function readTensor(r: Reader): { name: string; tensor: OnnxConst } {
  const dims: number[] = [];
  const ints: number[] = [];
  const floats: number[] = [];
  let name = '';
  let dataType = 0;
  let raw: Reader | undefined;
  r.fields((n, wire) => {
    if (n === 1) r.ints(wire, dims);
    else if (n === 2) dataType = r.varint();
    else if (n === 8) name = r.string();
    else if (n === 9) raw = r.sub();
    else if (n === 5 || n === 7) r.ints(wire, ints, MAX_CONST_VALUES + 1);
    else if (n === 4 && wire === 2 && floats.length <= MAX_CONST_VALUES) {
      const p = r.sub();
      while (!p.done() && floats.length <= MAX_CONST_VALUES) floats.push(p.float());
    } else return false;
    return true;
  });
  const count = dims.reduce((a, b) => a * b, 1);
  let values: number[] | undefined;
  if (count <= MAX_CONST_VALUES) {
    if (raw) values = rawValues(raw, dataType, count);
    else if ((dataType === INT64 || dataType === INT32) && ints.length === count) values = ints;
    else if (dataType === FLOAT && floats.length === count) values = floats;
  }
  return { name, tensor: values ? { dims, values } : { dims } };
}

function rawValues(raw: Reader, dataType: number, count: number): number[] | undefined {
  const size = dataType === INT64 ? 8 : dataType === INT32 || dataType === FLOAT ? 4 : 0;
  if (size === 0 || raw.end - raw.pos !== count * size) return undefined;
  const view = new DataView(raw.bytes.buffer, raw.bytes.byteOffset + raw.pos, count * size);
  return Array.from({ length: count }, (_, i) =>
    dataType === INT64 ? Number(view.getBigInt64(i * 8, true)) : dataType === INT32 ? view.getInt32(i * 4, true) : view.getFloat32(i * 4, true),
  );
}

function readAttr(r: Reader): { name: string; attr: OnnxAttr } {
  let name = '';
  const attr: { i?: number; f?: number; ints?: number[]; t?: OnnxConst; graph?: true } = {};
  r.fields((n, wire) => {
    if (n === 1) name = r.string();
    else if (n === 2 && wire === 5) attr.f = r.float();
    else if (n === 3) attr.i = r.int64();
    else if (n === 5) attr.t = readTensor(r.sub()).tensor;
    else if ((n === 6 || n === 11) && wire === 2) {
      r.sub();
      attr.graph = true;
    } else if (n === 8) r.ints(wire, (attr.ints ??= []));
    else return false;
    return true;
  });
  return { name, attr };
}

function readNode(r: Reader): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attrs = new Map<string, OnnxAttr>();
  let opType = '';
  let domain = '';
  r.fields((n) => {
    if (n === 1) inputs.push(r.string());
    else if (n === 2) outputs.push(r.string());
    else if (n === 4) opType = r.string();
    else if (n === 7) domain = r.string();
    else if (n === 5) {
      const { name, attr } = readAttr(r.sub());
      attrs.set(name, attr);
    } else return false;
    return true;
  });
  return { opType, domain, inputs, outputs, attrs };
}

/** ValueInfoProto -> name and dims (TypeProto.tensor_type.shape.dim[].dim_value). */
function readValueInfo(r: Reader): { name: string; dims?: (number | undefined)[] } {
  let name = '';
  let dims: (number | undefined)[] | undefined;
  r.fields((n) => {
    if (n === 1) name = r.string();
    else if (n === 2) {
      const type = r.sub();
      type.fields((tn) => {
        if (tn !== 1) return false;
        const tensor = type.sub();
        tensor.fields((sn) => {
          if (sn !== 2) return false;
          const shape = tensor.sub();
          dims = [];
          shape.fields((dn) => {
            if (dn !== 1) return false;
            const dim = shape.sub();
            let value: number | undefined;
            dim.fields((vn) => (vn === 1 ? ((value = dim.int64()), true) : false));
            dims!.push(value !== undefined && value > 0 ? value : undefined);
            return true;
          });
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return dims ? { name, dims } : { name };
}

/** The graph of an ONNX model's bytes, or undefined if they are not a readable ModelProto. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraph | undefined {
  try {
    const model = new Reader(bytes, 0, bytes.length);
    let graph: Reader | undefined;
    model.fields((n, wire) => (n === 7 && wire === 2 ? ((graph = model.sub()), true) : false));
    if (!graph) return undefined;
    const g = graph;
    const nodes: OnnxNode[] = [];
    const initializers = new Map<string, OnnxConst>();
    const declared: { name: string; dims?: (number | undefined)[] }[] = [];
    g.fields((n) => {
      if (n === 1) nodes.push(readNode(g.sub()));
      else if (n === 5) {
        const { name, tensor } = readTensor(g.sub());
        initializers.set(name, tensor);
      } else if (n === 11) declared.push(readValueInfo(g.sub()));
      else return false;
      return true;
    });
    return { nodes, initializers, inputs: declared.filter((i) => !initializers.has(i.name)) };
  } catch {
    return undefined;
  }
}
