import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createPeopleGroups, peopleNamed } from '../../../ml/faces/people-groups.ts';
import { mergePeople, moveFaceOut, namePerson, readPeopleCorrections, setPersonHidden } from '../../../sync/vault/people.ts';

/** A unit vector at an angle in the plane: cos(angle between two) is their similarity. */
const at = (degrees: number) => Float32Array.from([Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180), 0]);

// Threshold 0.8 (cos 36.9 deg): faces 20 deg apart link, 90 apart do not.
const FACES = new Map([
  ['nb/n1#0', at(0)],
  ['nb/n2#0', at(20)],
  ['nb/n2#1', at(90)],
  ['nb/n3#0', at(100)],
  ['nb/n4#0', at(200)],
]);

const byFaces = (people: ReturnType<ReturnType<typeof createPeopleGroups>>) => people.map((p) => p.faceIds.join(','));

describe('people from faces and corrections (sync/vault/people.ts, ml/faces/people-groups.ts)', () => {
  it('groups by likeness, counts notes, and names a person on every face of the group', () => {
    const doc = new Y.Doc();
    const groups = createPeopleGroups(0.8);
    let people = groups(FACES, readPeopleCorrections(doc));
    expect(byFaces(people).sort()).toEqual(['nb/n1#0,nb/n2#0', 'nb/n2#1,nb/n3#0', 'nb/n4#0']);
    const ann = people.find((p) => p.id === 'nb/n1#0')!;
    expect(ann.notes).toEqual(['nb/n1', 'nb/n2']);
    namePerson(doc, ann.faceIds, '  Ann   Lee ');
    people = groups(FACES, readPeopleCorrections(doc));
    expect(people[0]).toMatchObject({ id: 'nb/n1#0', name: 'Ann Lee' });
    expect(peopleNamed(people, 'ann').map((p) => p.id)).toEqual(['nb/n1#0']);
    expect(peopleNamed(people, 'lee ann').map((p) => p.id)).toEqual(['nb/n1#0']);
    expect(peopleNamed(people, 'bob')).toEqual([]);
  });

  it('a merge holds whatever faces arrive later and in any order, and keeps the first name', () => {
    const doc = new Y.Doc();
    const first = createPeopleGroups(0.8);
    const two = new Map([...FACES].filter(([id]) => id !== 'nb/n2#0'));
    const before = first(two, readPeopleCorrections(doc));
    const a = before.find((p) => p.id === 'nb/n1#0')!;
    const b = before.find((p) => p.id === 'nb/n4#0')!;
    namePerson(doc, a.faceIds, 'Ann');
    namePerson(doc, b.faceIds, 'Other');
    mergePeople(doc, a.faceIds, b.faceIds);
    // Another device sees all faces, arriving in reverse order, after the merge.
    const other = createPeopleGroups(0.8);
    const reversed = new Map([...FACES].reverse());
    const people = other(reversed, readPeopleCorrections(doc));
    expect(byFaces(people)).toContain('nb/n1#0,nb/n2#0,nb/n4#0');
    expect(people.find((p) => p.faceIds.includes('nb/n4#0'))!.name).toBe('Ann');
    // The first device, fed the missing face later, agrees.
    first(two, readPeopleCorrections(doc));
    expect(byFaces(first(FACES, readPeopleCorrections(doc))).sort()).toEqual(byFaces(people).sort());
  });

  it('a face moved out is a person of its own, links to nothing by likeness, and its name stays with the group', () => {
    const doc = new Y.Doc();
    const groups = createPeopleGroups(0.8);
    const ann = groups(FACES, readPeopleCorrections(doc)).find((p) => p.id === 'nb/n1#0')!;
    namePerson(doc, ann.faceIds, 'Ann');
    moveFaceOut(doc, 'nb/n1#0', ann.faceIds);
    const people = groups(FACES, readPeopleCorrections(doc));
    expect(byFaces(people)).toContain('nb/n1#0');
    expect(people.find((p) => p.id === 'nb/n2#0')!.name).toBe('Ann');
    expect(people.find((p) => p.id === 'nb/n1#0')!.name).toBeUndefined();
    // A new face as close to the moved face as can be still does not join it.
    const more = new Map([...FACES, ['nb/n5#0', at(0)]]);
    expect(byFaces(groups(more, readPeopleCorrections(doc)))).toContain('nb/n1#0');
  });

  it('moving out the face a merge hangs on keeps the rest of the merged person together', () => {
    const doc = new Y.Doc();
    const groups = createPeopleGroups(0.8);
    const before = groups(FACES, readPeopleCorrections(doc));
    const a = before.find((p) => p.id === 'nb/n1#0')!;
    const b = before.find((p) => p.id === 'nb/n2#1')!;
    mergePeople(doc, a.faceIds, b.faceIds);
    const merged = groups(FACES, readPeopleCorrections(doc)).find((p) => p.id === 'nb/n1#0')!;
    expect(merged.faceIds).toEqual(['nb/n1#0', 'nb/n2#0', 'nb/n2#1', 'nb/n3#0']);
    // nb/n2#1 is the merge's anchor on b's side, and nb/n3#0 joined only through its likeness.
    moveFaceOut(doc, 'nb/n2#1', merged.faceIds);
    expect(byFaces(groups(FACES, readPeopleCorrections(doc))).sort()).toEqual(['nb/n1#0,nb/n2#0,nb/n3#0', 'nb/n2#1', 'nb/n4#0']);
  });

  it('a hidden person is not found by name and shows again when unhidden', () => {
    const doc = new Y.Doc();
    const groups = createPeopleGroups(0.8);
    const p = groups(FACES, readPeopleCorrections(doc)).find((x) => x.id === 'nb/n4#0')!;
    namePerson(doc, p.faceIds, 'Zed');
    setPersonHidden(doc, p.faceIds, true);
    let people = groups(FACES, readPeopleCorrections(doc));
    expect(people.find((x) => x.id === 'nb/n4#0')!.hidden).toBe(true);
    expect(peopleNamed(people, 'zed')).toEqual([]);
    setPersonHidden(doc, p.faceIds, false);
    people = groups(FACES, readPeopleCorrections(doc));
    expect(peopleNamed(people, 'zed').map((x) => x.id)).toEqual(['nb/n4#0']);
  });

  it('entries of a shape it does not know are left out', () => {
    const doc = new Y.Doc();
    doc.getMap('personNames').set('not a face id', 'X');
    doc.getMap('personNames').set('nb/n1#0', 42);
    doc.getMap('faceMerges').set('nb/n1#0 ../x', true);
    doc.getMap('facesApart').set('nb/n1#0', 'yes');
    const c = readPeopleCorrections(doc);
    expect([c.names.size, c.merges.length, c.apart.size]).toEqual([0, 0, 0]);
  });
});
