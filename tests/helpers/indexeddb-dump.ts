/**
 * Reads every record of every database of an IDBFactory as raw bytes (values that are
 * strings or numbers are included as UTF-8), so tests can look for plaintext.
 */
export async function dumpIndexedDb(factory: IDBFactory): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const info of await factory.databases()) {
    if (!info.name) continue;
    parts.push(encoder.encode(info.name));
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(info.name as string);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const storeName of db.objectStoreNames) {
      const tx = db.transaction(storeName, 'readonly');
      const store = tx.objectStore(storeName);
      const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
      for (const value of [...keys, ...values]) collect(value, parts, encoder);
    }
    db.close();
  }
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function collect(value: unknown, parts: Uint8Array[], encoder: TextEncoder): void {
  if (value instanceof Uint8Array) parts.push(value);
  else if (value instanceof ArrayBuffer) parts.push(new Uint8Array(value));
  else if (typeof value === 'string' || typeof value === 'number') parts.push(encoder.encode(String(value)));
  else if (Array.isArray(value)) for (const item of value) collect(item, parts, encoder);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) collect(item, parts, encoder);
}

export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
