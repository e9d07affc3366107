import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTagArgs } from '../../../models/tag-cli-args.ts';
import { runTagCli, type TagResult } from '../../../models/tag-cli.ts';

const PHOTOS = 'tests/fixtures/photos';
const MODELS = join(process.cwd(), 'models');

/** Runs the CLI in-process and collects what it wrote. */
async function cli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runTagCli(argv, MODELS, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('npm run tag -- --json (a real process)', () => {
  let run: ReturnType<typeof spawnSync>;
  let results: TagResult[];

  beforeAll(() => {
    const files = ['chelsea.jpg', 'coffee.jpg', 'page.png'].map((f) => join(PHOTOS, f));
    run = spawnSync('npx', ['tsx', 'models/tag.ts', '--json', ...files, 'missing.jpg'], { encoding: 'utf8', timeout: 90_000 });
    // stdout must be exactly one JSON document: any stray log line breaks this parse.
    results = JSON.parse(String(run.stdout)) as TagResult[];
  }, 120_000);

  it('prints one object per file, in order, with the documented fields', () => {
    expect(results.map((r) => r.file)).toEqual([...['chelsea.jpg', 'coffee.jpg', 'page.png'].map((f) => join(PHOTOS, f)), 'missing.jpg']);
    for (const r of results) {
      expect(Object.keys(r).sort()).toEqual(r.error === undefined ? ['candidates', 'faces', 'file', 'labels', 'ms', 'text'] : ['candidates', 'error', 'faces', 'file', 'labels', 'ms', 'text']);
      expect(r.ms).toBeGreaterThanOrEqual(0);
      for (const l of r.labels) {
        expect(l.box).toHaveLength(4);
        expect(l.score).toBeGreaterThan(0);
        expect(l.score).toBeLessThanOrEqual(1);
      }
      const scores = r.labels.map((l) => l.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('labels the cat and the cup with COCO names', () => {
    expect(results[0]!.labels[0]!.label).toBe('cat');
    expect(results[1]!.labels[0]!.label).toBe('cup');
    const [x1, y1, x2, y2] = results[0]!.labels[0]!.box;
    expect(x2 - x1).toBeGreaterThan(200); // the cat fills most of the 451x300 photo
    expect(y2 - y1).toBeGreaterThan(200);
  });

  it('reads the text of page.png with quads in image pixels', () => {
    const page = results[2]!;
    expect(page.text[0]!.text).toBe('Region-based segmentation');
    expect(page.text.map((t) => t.text).join(' ')).toContain('histogram of grey values');
    for (const t of page.text) {
      expect(t.box).toHaveLength(4);
      expect(t.confidence).toBeGreaterThan(0.5);
    }
    expect(results[0]!.text).toEqual([]);
  });

  it('reports the missing file as an error entry and exits 1', () => {
    expect(results[3]).toMatchObject({ file: 'missing.jpg', labels: [], text: [], error: 'file not found' });
    expect(run.status).toBe(1);
    expect(String(run.stderr)).toContain('missing.jpg');
  });
});

describe('runTagCli (in-process)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'obscura-tag-'));
    writeFileSync(join(dir, 'notes.jpg'), 'not an image at all\n');
    writeFileSync(join(dir, 'cut.jpg'), readFileSync(join(PHOTOS, 'chelsea.jpg')).subarray(0, 5000));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names corrupt files and non-images, and exits 1', async () => {
    const { status, stdout } = await cli(['--json', '--threads', '1', join(dir, 'notes.jpg'), join(dir, 'cut.jpg')]);
    const [text, cut] = JSON.parse(stdout) as TagResult[];
    expect(text!.error).toMatch(/^E_IMAGE_UNSUPPORTED: not a JPEG, PNG, WebP or GIF image/);
    expect(cut!.error).toMatch(/^E_IMAGE_CORRUPT: /);
    expect(status).toBe(1);
  }, 60_000);

  it('exits 0 and prints a readable table when every file is read', async () => {
    const { status, stdout } = await cli(['--threads', '1', join(PHOTOS, 'chelsea.jpg')]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/chelsea\.jpg[\s\S]*cat\s+0\.\d\d/);
    expect(stdout).toContain('1 of 1 files tagged');
  }, 60_000);

  it('prints help, and refuses bad usage with status 2', async () => {
    const help = await cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: npm run tag');
    expect((await cli([])).status).toBe(2);
    expect((await cli(['--bogus', 'a.jpg'])).stderr).toContain('unknown option --bogus');
    expect(parseTagArgs(['--threads', '0', 'a.jpg']).kind).toBe('usage-error');
    expect(parseTagArgs(['--', '--json'])).toEqual({ kind: 'run', files: ['--json'], json: false, embeddings: false, threads: undefined });
    expect(parseTagArgs(['--embeddings', 'a.jpg']).kind).toBe('usage-error');
  });

  it('refuses to run a model that is missing or does not match the manifest', async () => {
    const fake = mkdtempSync(join(tmpdir(), 'obscura-tag-models-'));
    try {
      writeFileSync(join(fake, 'manifest.json'), readFileSync(join(MODELS, 'manifest.json')));
      const photo = join(PHOTOS, 'chelsea.jpg');
      const missing = await runTagCli([photo], fake, { stdout: () => {}, stderr: () => {} });
      expect(missing).toBe(1);
      mkdirSync(join(fake, 'generated'));
      const tampered = readFileSync(join(MODELS, 'generated/centernet.onnx'));
      tampered[tampered.length - 1] ^= 1;
      writeFileSync(join(fake, 'generated/centernet.onnx'), tampered);
      let stderr = '';
      let stdout = '';
      const status = await runTagCli(['--json', photo], fake, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      expect(status).toBe(1);
      expect(stderr).toMatch(/generated\/centernet\.onnx has sha256 [0-9a-f]{64} but manifest\.json pins/);
      expect(stdout).toBe('');
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('finds faces on the same code path as the worker: box and score, the embedding only with --embeddings', async () => {
    const astronaut = join(PHOTOS, 'astronaut.jpg');
    // A page of text has no face. (The cat photo is no such example: BlazeFace scores its face
    // 0.77, above our bar; models/README.md "Faces" lists the false faces we know.)
    const page = join(PHOTOS, 'page.png');
    const plain = await cli(['--json', '--threads', '1', astronaut, page]);
    expect(plain.status).toBe(0);
    const [person, text] = JSON.parse(plain.stdout) as TagResult[];
    expect(text!.faces).toEqual([]);
    expect(person!.faces).toHaveLength(1);
    const face = person!.faces[0]!;
    expect(Object.keys(face).sort()).toEqual(['box', 'score']);
    // Eileen Collins' face in the 512x512 photo: around x 170-280, y 70-180.
    const [x1, y1, x2, y2] = face.box;
    expect(x1).toBeGreaterThan(140);
    expect(x2).toBeLessThan(310);
    expect(y1).toBeGreaterThan(40);
    expect(y2).toBeLessThan(210);
    expect(face.score).toBeGreaterThan(0.6);
    expect(plain.stdout).not.toContain('embedding');

    const faces = 'tests/fixtures/faces';
    const withEmbeddings = await cli(['--json', '--embeddings', '--threads', '1', astronaut, join(faces, 'human-man-a-01.jpg'), join(faces, 'human-man-a-02.jpg')]);
    const [collins, a1, a2] = (JSON.parse(withEmbeddings.stdout) as TagResult[]).map((r) => r.faces[0]!.embedding!);
    expect(collins).toHaveLength(1024);
    const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0);
    expect(dot(collins!, collins!)).toBeCloseTo(1, 3);
    expect(dot(a1!, a2!)).toBeGreaterThan(dot(a1!, collins!) + 0.2);
  }, 120_000);
});
