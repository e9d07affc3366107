import { expectArray, expectInteger, expectNumber, expectString, isObject, ModelJsonError, type JsonObject } from '../../ml/runtime/json-guard.ts';

/** A TF AttrValue after validation; strings are decoded from base64. */
export type TfAttr =
  | { readonly kind: 's'; readonly value: string }
  | { readonly kind: 'i'; readonly value: number }
  | { readonly kind: 'f'; readonly value: number }
  | { readonly kind: 'b'; readonly value: boolean }
  | { readonly kind: 'type'; readonly value: string }
  | { readonly kind: 'shape'; readonly dims: readonly number[] | undefined }
  | { readonly kind: 'list'; readonly s: readonly string[]; readonly i: readonly number[]; readonly f: readonly number[] }
  | { readonly kind: 'other' };

export type TfAttrs = Readonly<Record<string, TfAttr>>;

function base64ToString(b64: string, path: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    throw new ModelJsonError(path, 'invalid base64');
  }
}

function decodeOne(v: unknown, path: string): TfAttr {
  if (!isObject(v)) throw new ModelJsonError(path, 'expected an attribute object');
  if (v.s !== undefined) return { kind: 's', value: base64ToString(expectString(v.s, `${path}.s`), `${path}.s`) };
  if (v.i !== undefined) return { kind: 'i', value: expectInteger(v.i, `${path}.i`) };
  if (v.f !== undefined) return { kind: 'f', value: expectNumber(v.f, `${path}.f`) };
  if (v.b !== undefined) return { kind: 'b', value: v.b === true };
  if (v.type !== undefined) return { kind: 'type', value: expectString(v.type, `${path}.type`, 64) };
  if (isObject(v.shape)) {
    const shape = v.shape;
    const dims =
      shape.unknownRank === true
        ? undefined
        : (shape.dim === undefined ? [] : expectArray(shape.dim, `${path}.shape.dim`, 8)).map((d, k) =>
            expectInteger(isObject(d) ? (d.size ?? 0) : d, `${path}.shape.dim[${k}]`),
          );
    return { kind: 'shape', dims };
  }
  if (isObject(v.list)) {
    const l = v.list;
    const arr = (key: string) => (l[key] === undefined ? [] : expectArray(l[key], `${path}.list.${key}`, 4096));
    return {
      kind: 'list',
      s: arr('s').map((x, k) => base64ToString(expectString(x, `${path}.list.s[${k}]`), path)),
      i: arr('i').map((x, k) => expectInteger(x, `${path}.list.i[${k}]`)),
      f: arr('f').map((x, k) => expectNumber(x, `${path}.list.f[${k}]`)),
    };
  }
  // Tensor values live in the weights, and func attrs are only used by ops we
  // reject anyway, so their contents are not needed.
  return { kind: 'other' };
}

export function decodeTfAttrs(attrs: JsonObject, path: string): TfAttrs {
  const out: Record<string, TfAttr> = {};
  for (const key of Object.keys(attrs)) out[key] = decodeOne(attrs[key], `${path}.${key}`);
  return out;
}

/** Typed reads of one node's attributes, with errors that name node and attribute. */
export class TfAttrReader {
  constructor(
    private readonly nodeName: string,
    private readonly attrs: TfAttrs,
  ) {}

  private get<K extends TfAttr['kind']>(name: string, kind: K): Extract<TfAttr, { kind: K }> | undefined {
    const a = this.attrs[name];
    if (a === undefined) return undefined;
    if (a.kind !== kind) throw new Error(`node "${this.nodeName}": attribute ${name} is ${a.kind}, expected ${kind}`);
    return a as Extract<TfAttr, { kind: K }>;
  }

  private missing(name: string): never {
    throw new Error(`node "${this.nodeName}": missing attribute ${name}`);
  }

  int(name: string, fallback?: number): number {
    return this.get(name, 'i')?.value ?? fallback ?? this.missing(name);
  }
  float(name: string, fallback?: number): number {
    return this.get(name, 'f')?.value ?? fallback ?? this.missing(name);
  }
  bool(name: string, fallback?: boolean): boolean {
    return this.get(name, 'b')?.value ?? fallback ?? this.missing(name);
  }
  string(name: string, fallback?: string): string {
    return this.get(name, 's')?.value ?? fallback ?? this.missing(name);
  }
  type(name: string, fallback?: string): string {
    return this.get(name, 'type')?.value ?? fallback ?? this.missing(name);
  }
  ints(name: string, fallback?: readonly number[]): readonly number[] {
    return this.get(name, 'list')?.i ?? fallback ?? this.missing(name);
  }
  strings(name: string, fallback?: readonly string[]): readonly string[] {
    return this.get(name, 'list')?.s ?? fallback ?? this.missing(name);
  }
  shape(name: string): readonly number[] | undefined {
    return this.get(name, 'shape')?.dims;
  }
}
