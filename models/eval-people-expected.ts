import { isArrayOf, isRecord, isString } from '../ml/runtime/guards.ts';

/** expected.json of a people set: who is in which photo (models/README.md "Faces"). */
export interface PeopleExpected {
  /** Person -> the photos they are in; a photo may be listed under several people. */
  readonly people: ReadonlyMap<string, readonly string[]>;
  /** Photos nobody tuned on. */
  readonly heldOut: ReadonlySet<string>;
}

export type PeopleParse = { ok: true; value: PeopleExpected } | { ok: false; message: string };

const isNames = (v: unknown): v is string[] => isArrayOf(v, isString, 100_000);

/** Checks a people expected.json against the image files in its folder and names the first wrong entry. */
export function parsePeopleExpected(json: unknown, filesOnDisk: ReadonlySet<string>): PeopleParse {
  if (!isRecord(json) || !isRecord(json.people)) return { ok: false, message: 'expected.json needs a "people" object' };
  const people = new Map<string, string[]>();
  for (const [name, files] of Object.entries(json.people)) {
    if (!isNames(files)) return { ok: false, message: `people["${name}"] is not a list of file names` };
    const missing = files.find((f) => !filesOnDisk.has(f));
    if (missing !== undefined) return { ok: false, message: `people["${name}"] names ${missing}, which is not an image in the folder` };
    people.set(name, [...new Set(files)]);
  }
  const heldOut = json.heldOut ?? [];
  if (!isNames(heldOut)) return { ok: false, message: '"heldOut" is a list of file names' };
  const missing = heldOut.find((f) => !filesOnDisk.has(f));
  if (missing !== undefined) return { ok: false, message: `"heldOut" names ${missing}, which is not an image in the folder` };
  return { ok: true, value: { people, heldOut: new Set(heldOut) } };
}
