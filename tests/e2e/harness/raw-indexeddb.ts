import type { Page } from 'playwright-core';

/**
 * Every byte the origin keeps in IndexedDB (database names, store names, keys and values;
 * strings as UTF-8), read raw from inside the page, as base64.
 */
export async function readAllIndexedDb(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const parts: Uint8Array[] = [];
    const enc = new TextEncoder();
    const collect = (value: unknown): void => {
      if (value instanceof Uint8Array) parts.push(value);
      else if (value instanceof ArrayBuffer) parts.push(new Uint8Array(value));
      else if (ArrayBuffer.isView(value)) parts.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      else if (typeof value === 'string' || typeof value === 'number') parts.push(enc.encode(String(value)));
      else if (value instanceof Blob) throw new Error('Blob values are not expected in IndexedDB');
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      parts.push(enc.encode(info.name));
      const db = await req(indexedDB.open(info.name));
      for (const name of Array.from(db.objectStoreNames)) {
        parts.push(enc.encode(name));
        const store = db.transaction(name, 'readonly').objectStore(name);
        collect(await req(store.getAllKeys()));
        collect(await req(store.getAll()));
      }
      db.close();
    }
    let binary = '';
    for (const part of parts) for (let i = 0; i < part.length; i++) binary += String.fromCharCode(part[i] as number);
    return btoa(binary);
  });
  return Buffer.from(base64, 'base64');
}
