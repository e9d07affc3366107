/**
 * The hostile clients in a process of their own, so the CPU they burn (building frames of
 * tiny structs) is the machine's, as it would be on an attacker's, and not taken out of the
 * honest devices' event loop. Started by startHostileProcess() with the targets in
 * ATTACK_TARGETS; "stop" on stdin ends the attack and prints its report as JSON.
 */
import { sodiumReady } from '../../../crypto/index.ts';
import { startAttack, type AttackTargets } from './hostile-clients.ts';

await sodiumReady();
const attack = startAttack(JSON.parse(process.env.ATTACK_TARGETS ?? '{}') as AttackTargets);
process.stdin.setEncoding('utf8');
// The parent is gone (a failed test, a killed bench): stop attacking.
process.stdin.on('end', () => process.exit(1));
process.stdin.on('data', (text: string) => {
  if (!text.includes('stop')) return;
  void attack.stop().then((report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
  });
});
