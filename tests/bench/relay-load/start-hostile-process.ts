import { spawnDevice } from '../../helpers/spawn-device.ts';
import type { AttackReport, AttackTargets } from './hostile-clients.ts';

/** Runs hostile-process.ts against `targets`; `stop()` ends it and resolves with its report. */
export function startHostileProcess(targets: AttackTargets): { stop(): Promise<AttackReport> } {
  const child = spawnDevice(new URL('./hostile-process.ts', import.meta.url), { ATTACK_TARGETS: JSON.stringify(targets) });
  return {
    async stop() {
      child.child.stdin.write('stop\n');
      const code = await child.exited;
      const line = child.out().trim().split('\n').at(-1) ?? '';
      if (code !== 0) throw new Error(`the hostile clients exited with ${code}:\n${child.err()}`);
      return JSON.parse(line) as AttackReport;
    },
  };
}
