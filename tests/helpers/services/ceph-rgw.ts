import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, stopPid, waitUntil } from './service-process';

/**
 * A real S3 endpoint: Ceph's RADOS Gateway over one monitor and one memstore OSD, all on
 * 127.0.0.1 with cephx on, in a temp dir (Debian `ceph-mon ceph-osd radosgw ceph-common`).
 * Starts in about 12-15 s; data lives in the OSD's memory and goes with it.
 */
export interface CephRgwService {
  /** http://127.0.0.1:port — the S3 endpoint (path-style buckets). */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Pids of the monitor, the OSD and the gateway, in that order. */
  readonly pids: readonly number[];
  readonly dir: string;
  /** The gateway's log (for a failing test's message). */
  log(): string;
  /** SIGTERM by pid (gateway, OSD, monitor), wait for each exit, remove the temp dir. */
  stop(): Promise<void>;
}

const PACKAGES = 'ceph-mon ceph-osd radosgw ceph-common';
const bin = (name: string): string => requireBinary(`/usr/bin/${name}`, PACKAGES);

function config(dir: string, fsid: string, monV2: number, monV1: number, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon host = [v2:127.0.0.1:${monV2},v1:127.0.0.1:${monV1}]
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = ${dir}/admin.keyring
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
crash dir = ${dir}/crash
mon data = ${dir}/mon/$id
osd data = ${dir}/osd/$id
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
[osd]
keyring = ${dir}/osd/$id/keyring
[client.rgw.gw]
keyring = ${dir}/rgw.keyring
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
`;
}

export async function startCephRgw(): Promise<CephRgwService> {
  const [cephMon, cephOsd, radosgw, ceph, authtool, monmaptool, rgwAdmin] =
    ['ceph-mon', 'ceph-osd', 'radosgw', 'ceph', 'ceph-authtool', 'monmaptool', 'radosgw-admin'].map(bin) as [string, string, string, string, string, string, string];
  const dir = mkdtempSync(join(tmpdir(), 'obscura-ceph-'));
  for (const sub of ['run', 'log', 'crash', 'mon/a', 'osd/0', 'rgw']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'ceph.conf');
  const children: ChildProcess[] = [];
  const stopAll = async (): Promise<void> => {
    for (const child of [...children].reverse()) if (child.pid !== undefined) await stopPid(child.pid, 'SIGTERM', 5_000);
  };
  // Each daemon runs in the foreground (-f) as our child, so it is stopped by its own pid and reaped.
  const daemon = (binary: string, args: string[]): ChildProcess => {
    const child = spawn(binary, ['-f', '-c', conf, ...args], { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const run = (binary: string, args: string[]): string => execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const fsid = randomUUID();
    const [monV2, monV1, rgwPort] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(conf, config(dir, fsid, monV2, monV1, rgwPort));
    const adminKeyring = join(dir, 'admin.keyring');
    run(authtool, ['--create-keyring', adminKeyring, '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
    run(authtool, [adminKeyring, '--gen-key', '-n', 'client.admin', '--cap', 'mon', 'allow *', '--cap', 'osd', 'allow *', '--cap', 'mgr', 'allow *']);
    const monmap = join(dir, 'monmap');
    run(monmaptool, ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monV2},v1:127.0.0.1:${monV1}]`, monmap]);
    run(cephMon, ['-c', conf, '--mkfs', '-i', 'a', '--monmap', monmap, '--keyring', adminKeyring]);
    daemon(cephMon, ['-i', 'a']);
    const cli = (...args: string[]): string => run(ceph, ['-c', conf, '--connect-timeout', '20', ...args]).trim();
    const osdId = await waitUntil('ceph-mon', 20_000, async () => cli('osd', 'create'));
    run(cephOsd, ['-c', conf, '-i', osdId, '--no-mon-config', '--mkfs', '--mkkey', '--osd-uuid', randomUUID()]);
    cli('auth', 'add', `osd.${osdId}`, 'osd', 'allow *', 'mon', 'allow profile osd', '-i', join(dir, 'osd', osdId, 'keyring'));
    daemon(cephOsd, ['-i', osdId]);
    cli('auth', 'get-or-create', 'client.rgw.gw', 'mon', 'allow rw', 'osd', 'allow rwx', '-o', join(dir, 'rgw.keyring'));
    const gateway = daemon(radosgw, ['-n', 'client.rgw.gw']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    const rgwLog = join(dir, 'log', 'client.rgw.gw.log');
    const readLog = (): string => { try { return readFileSync(rgwLog, 'utf8'); } catch { return ''; } };
    await waitUntil('radosgw', 60_000, async () => {
      if (gateway.exitCode !== null) throw new Error(`radosgw exited with ${gateway.exitCode}: ${readLog().slice(-2000)}`);
      const response = await fetch(endpoint);
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    });
    const accessKeyId = randomBytes(10).toString('hex').toUpperCase();
    const secretAccessKey = randomBytes(20).toString('base64url');
    run(rgwAdmin, ['-c', conf, 'user', 'create', '--uid=obscura', '--display-name=obscura', `--access-key=${accessKeyId}`, `--secret-key=${secretAccessKey}`]);
    return {
      endpoint, accessKeyId, secretAccessKey, dir,
      pids: children.map((child) => child.pid as number),
      log: readLog,
      async stop() {
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
