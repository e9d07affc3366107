import { createEffect, createMemo, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { FACE_POLICY } from '../../ml/faces/find-faces.ts';
import { readFaceBoxes, type FaceBoxRecord } from '../../sync/notebook/faces.ts';
import { notesMap } from '../../sync/notebook/notes.ts';
import { readNotePhoto, readTaggingStatus } from '../../sync/notebook/photos.ts';
import { mergePeople, moveFaceOut, namePerson, noteOfFace, peopleMaps, readPeopleCorrections, setPersonHidden } from '../../sync/vault/people.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { FACE_RECORD, loadFaceStore, type FaceStore } from './face-store.ts';
import { browserServices } from './services.ts';
import { createPeopleGroups, type Person } from '../../ml/faces/people-groups.ts';
import type { FoundFaces, TaggingService } from './tagging-service.ts';

export interface PeopleService {
  /** E_FACES_UNSAVED while the faces found could not be saved (full disk); they are kept and saved again. */
  readonly problem: Accessor<'E_FACES_UNSAVED' | undefined>;
  /** Every person this device's faces make, hidden ones too; empty while "Group faces" is off. */
  readonly people: Accessor<readonly Person[]>;
  /** The open notebook a face's note is in, and the face's box; undefined while it is not open. */
  faceOf(faceId: string): { notebook: OpenNotebook; box: FaceBoxRecord } | undefined;
  /** The faces' embeddings, from the tagging service, for this device's store. */
  onFaces(found: FoundFaces): void;
  name(person: Person, name: string): void;
  merge(into: Person, from: Person): void;
  moveOut(person: Person, faceId: string): void;
  hide(person: Person, hidden: boolean): void;
  /** "Group faces" turned off: this device's embeddings (and so its groups) are deleted. */
  forget(): Promise<void>;
}

const RESCAN_DELAY_MS = 300;

/**
 * People across the whole vault, while "Group faces" is on for this device: opens every
 * notebook, asks the tagging service to scan for faces each tagged photo this device has
 * not scanned (also photos that sync in later), keeps the embeddings in the sealed face store,
 * and groups them with the person's names and corrections from the vault doc.
 */
export function createPeopleService(
  vault: Vault,
  tagging: () => TaggingService | undefined,
  enabled: Accessor<boolean>,
  // navigator.locks: the profile's tabs save the face record one at a time (sync/vault/face-record.ts).
  exclusive = browserServices().exclusive,
): PeopleService {
  const [store, setStore] = createSignal<FaceStore>();
  const [corrections, setCorrections] = createSignal(readPeopleCorrections(vault.doc));
  const observer = () => setCorrections(readPeopleCorrections(vault.doc));
  for (const map of peopleMaps(vault.doc)) map.observe(observer);
  onCleanup(() => peopleMaps(vault.doc).forEach((map) => map.unobserve(observer)));

  const open = new Map<string, OpenNotebook>();
  const [opened, setOpened] = createSignal(0);
  const unobserve: (() => void)[] = [];
  onCleanup(() => unobserve.forEach((stop) => stop()));
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  onCleanup(() => timers.forEach((t) => clearTimeout(t)));

  /** Queues a face scan of the notebook's tagged photos this device has not scanned. */
  const scan = (notebook: OpenNotebook) => {
    const s = store();
    const t = tagging();
    if (!s || !t || !enabled()) return;
    const ids: string[] = [];
    for (const id of notesMap(notebook.doc).keys()) {
      if (!s.isScanned(notebook.id, id) && readNotePhoto(notebook.doc, id) && readTaggingStatus(notebook.doc, id)?.state === 'done') ids.push(id);
    }
    if (ids.length > 0) t.enqueueFaces(notebook, ids);
  };
  const scanSoon = (notebook: OpenNotebook) => {
    if (timers.has(notebook.id)) return;
    timers.set(notebook.id, setTimeout(() => (timers.delete(notebook.id), scan(notebook)), RESCAN_DELAY_MS));
  };
  const openAll = async () => {
    for (const { id } of vault.notebooks.list()) {
      if (open.has(id)) continue;
      const result = await vault.notebooks.open(id).catch(() => undefined);
      if (!result?.ok || open.has(id)) continue;
      const notebook = result.value;
      open.set(id, notebook);
      // Photos that sync in, or finish tagging, are scanned as they come.
      const notes = notesMap(notebook.doc);
      const watch = () => scanSoon(notebook);
      notes.observeDeep(watch);
      unobserve.push(() => notes.unobserveDeep(watch));
      setOpened((n) => n + 1);
      scan(notebook);
    }
  };

  createEffect(
    on(enabled, (on) => {
      // Off (turned off here or in another tab, or never on): this device keeps no face data.
      if (!on) return void forget();
      void loadFaceStore(vault, exclusive).then((loaded) => {
        if (!enabled()) return;
        setStore(loaded);
        void openAll().then(() => open.forEach(scan));
      });
    }),
  );
  // A notebook added (or joined, or linked in) while "Group faces" is on is opened and scanned too.
  const onVault = () => store() && void openAll();
  vault.doc.on('update', onVault);
  onCleanup(() => {
    vault.doc.off('update', onVault);
    void store()?.flush();
  });

  async function forget(): Promise<void> {
    const s = store();
    setStore(undefined);
    await s?.discard();
    await vault.records.remove(FACE_RECORD).catch(() => undefined);
  }

  const group = createPeopleGroups(FACE_POLICY.groupThreshold);
  const people = createMemo<readonly Person[]>(() => {
    const s = store();
    if (!s) return [];
    s.version();
    opened();
    return group(s.embeddings(), corrections());
  });

  return {
    problem: () => store()?.problem(),
    people,
    faceOf(faceId) {
      const { notebookId, noteId, index } = noteOfFace(faceId);
      const notebook = open.get(notebookId);
      const box = notebook && readFaceBoxes(notebook.doc, noteId)[index];
      return notebook && box ? { notebook, box } : undefined;
    },
    onFaces(found) {
      store()?.put(found.notebookId, found.noteId, found.faces.map((f) => Float32Array.from(f.embedding)));
    },
    name: (person, text) => namePerson(vault.doc, person.faceIds, text),
    merge: (into, from) => mergePeople(vault.doc, into.faceIds, from.faceIds),
    moveOut: (person, faceId) => moveFaceOut(vault.doc, faceId, person.faceIds),
    hide: (person, hidden) => setPersonHidden(vault.doc, person.faceIds, hidden),
    forget,
  };
}
