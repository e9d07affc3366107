import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FaceGroups } from '../ml/faces/face-groups.ts';
import { FACE_POLICY, findFaces } from '../ml/faces/find-faces.ts';
import { decodeNode } from '../ml/image/decode-node.ts';
import type { PeopleExpected } from './eval-people-expected.ts';
import { scorePeople, type PeopleScore } from './eval-people-score.ts';
import type { TagModels } from './tag-cli-models.ts';
import type { TagIo } from './tag-cli.ts';

/** Issue 17's goal for the grouping, on held-out faces. */
export const PEOPLE_GOALS = { pairPrecision: 0.95, pairRecall: 0.8 } as const;

type Face = { readonly id: string; readonly file: string; readonly embedding: Float32Array };

/** Every face of every photo, found as the app finds them (same decode budget, same face step). */
async function facesOf(dir: string, files: readonly string[], models: TagModels, io: TagIo): Promise<Face[]> {
  const out: Face[] = [];
  for (const file of files) {
    const decoded = await decodeNode(new Uint8Array(await readFile(join(dir, file))), { maxPixels: 4_000_000 });
    if (!decoded.ok) throw new Error(`${file}: ${decoded.code} ${decoded.message}`);
    const faces = await findFaces(decoded.image, models.faces);
    faces.forEach((f, i) => out.push({ id: `${file}#${i}`, file, embedding: f.embedding }));
    io.stderr(`eval: ${file}: ${faces.length} faces\n`);
  }
  return out;
}

/** Groups the faces of `files` alone, in the given order, as the app would, and scores the grouping. */
export function groupAndScore(expected: PeopleExpected, faces: readonly Face[], files: ReadonlySet<string>, threshold: number): PeopleScore {
  const groups = new FaceGroups(threshold);
  const fileOf = new Map<string, string>();
  for (const f of faces) {
    if (!files.has(f.file)) continue;
    groups.add(f);
    fileOf.set(f.id, f.file);
  }
  const asFiles = [...groups.groups().values()].map((ids) => ids.map((id) => fileOf.get(id)!));
  return scorePeople(expected.people, asFiles, files);
}

export interface PeopleReport {
  readonly threshold: number;
  readonly all: PeopleScore;
  readonly tuned: PeopleScore;
  readonly heldOut: PeopleScore;
}

export async function evalPeople(dir: string, files: readonly string[], expected: PeopleExpected, models: TagModels, io: TagIo, thresholds?: readonly number[]): Promise<PeopleReport[]> {
  const faces = await facesOf(dir, files, models, io);
  const all = new Set(files);
  const heldOut = new Set(files.filter((f) => expected.heldOut.has(f)));
  const tuned = new Set(files.filter((f) => !expected.heldOut.has(f)));
  return (thresholds ?? [FACE_POLICY.groupThreshold]).map((t) => ({
    threshold: t,
    all: groupAndScore(expected, faces, all, t),
    tuned: groupAndScore(expected, faces, tuned, t),
    heldOut: groupAndScore(expected, faces, heldOut, t),
  }));
}

const pct = (v: number): string => (Number.isNaN(v) ? '  -  ' : `${(v * 100).toFixed(1)}%`);

export function formatPeople(r: PeopleReport): string {
  const g = PEOPLE_GOALS;
  const line = (name: string, s: PeopleScore) =>
    `${name.padEnd(10)} pair precision ${pct(s.pairPrecision).padStart(6)}  pair recall ${pct(s.pairRecall).padStart(6)}  ` +
    `(${s.predictedPairs} pairs grouped, ${s.truePairs} true)  ${s.faces} faces in ${s.groups} groups`;
  const met = r.heldOut.pairPrecision >= g.pairPrecision && r.heldOut.pairRecall >= g.pairRecall;
  return [
    `people: faces linked at cosine similarity >= ${r.threshold}`,
    line('all', r.all),
    line('tuned on', r.tuned),
    line('held out', r.heldOut),
    `goal on held out: precision >= ${g.pairPrecision * 100}% with recall >= ${g.pairRecall * 100}%: ${met ? 'met' : 'NOT met'}`,
    '',
  ].join('\n');
}

export function formatPeopleSweep(rows: readonly PeopleReport[]): string {
  const fig = (s: PeopleScore) => `${pct(s.pairPrecision).padStart(6)} ${pct(s.pairRecall).padStart(6)}`;
  return `${['threshold   tuned: precision recall   held out: precision recall', ...rows.map((r) => `${r.threshold.toFixed(2).padStart(9)}   ${fig(r.tuned)}          ${fig(r.heldOut)}`)].join('\n')}\n`;
}
