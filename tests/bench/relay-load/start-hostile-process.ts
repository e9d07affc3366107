import { spawnDevice } from '../../helpers/spawn-device.ts';
import type { AttackReport, AttackTargets } from './hostile-clients.ts';

export interface RunningAttack {
  readonly met: Promise<void>;
  stop(): Promise<AttackReport>;
}

/**
 * Runs hostile-process.ts against `targets`; `met` resolves once every attack has reached its
 * cap, `stop()` ends it and resolves with its report.
 */
export function startHostileProcess(targets: AttackTargets): RunningAttack {
  const child = spawnDevice(new URL('./hostile-process.ts', import.meta.url), { ATTACK_TARGETS: JSON.stringify(targets) });
  const met = new Promise<void>((resolve) => {
    child.child.stdout.on('data', () => {
      if (child.out().split('\n').includes('met')) resolve();
    });
  });
  return {
    met,
    async stop() {
      child.child.stdin.write('stop\n');
      const code = await child.exited;
      const line = child.out().trim().split('\n').at(-1) ?? '';
      if (code !== 0) throw new Error(`the hostile clients exited with ${code}:\n${child.err()}`);
      return JSON.parse(line) as AttackReport;
    },
  };
}
