/**
 * fake-indexeddb has no quota, so a full disk is made where IndexedDB reports it: `put` throws
 * the QuotaExceededError DOMException a browser raises. Import after 'fake-indexeddb/auto'.
 */
export const realPut = IDBObjectStore.prototype.put;

export function fillTheDisk(): void {
  IDBObjectStore.prototype.put = function put(): IDBRequest<IDBValidKey> {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
}

export function freeTheDisk(): void {
  IDBObjectStore.prototype.put = realPut;
}
