/**
 * The hostile clients in a process of their own, so the CPU they burn (building frames of
 * tiny structs) is the machine's, as it would be on an attacker's, and not taken out of the
 * honest devices' event loop. Started by startHostileProcess() with the targets in
 * ATTACK_TARGETS; "stop" on stdin ends the attack and prints its report as JSON.
 */
import { sodiumReady } from '../../../crypto/index.ts';
import { metEveryCap, startAttack, type AttackTargets } from './hostile-clients.ts';

await sodiumReady();
const attack = startAttack(JSON.parse(process.env.ATTACK_TARGETS ?? '{}') as AttackTargets);
// "met" tells the parent that every attack has reached its cap, so a loaded machine that
// attacks slowly still makes the relay answer each one before the phase ends.
const watch = setInterval(() => {
  if (!metEveryCap(attack.report)) return;
  clearInterval(watch);
  process.stdout.write('met\n');
}, 100);
process.stdin.setEncoding('utf8');
// The parent is gone (a failed test, a killed bench): stop attacking.
process.stdin.on('end', () => process.exit(1));
process.stdin.on('data', (text: string) => {
  if (!text.includes('stop')) return;
  clearInterval(watch);
  void attack.stop().then((report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
  });
});
