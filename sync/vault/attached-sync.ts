/** What the vault needs of a running sync: lock stops it; joins need it running. */
export interface AttachedSync {
  stop(): void;
  /** Resolves once the relay knows a notebook room's current write key (after a rotation). */
  settled(notebookId: string): Promise<void>;
  /** Whether the relay stored every update this device made in a notebook room so far, within `timeoutMs`. */
  delivered(notebookId: string, timeoutMs: number): Promise<boolean>;
}
