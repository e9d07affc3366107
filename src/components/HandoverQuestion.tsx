import { For } from 'solid-js';
import { describeRemovals, deviceLabel, type DeviceRef, type HandoverChoice } from '../../sync/vault/handover-choice.ts';

/**
 * "<Laptop> removed <Phone> from your vault": which device does the person keep? This device
 * follows no handover before they say (it could be the thief's, sync/PROTOCOL.md "Which device
 * to keep"); the answer unlocks again with `keep`. Each device is shown with its code
 * (deviceFingerprint), since the thief's own device may carry the laptop's name.
 */
export function HandoverQuestion(props: { choice: HandoverChoice; busy: boolean; keep: (deviceId: string) => void }) {
  const devices = (): DeviceRef[] => {
    const seen = new Map<string, DeviceRef>();
    for (const removal of props.choice.removals) for (const device of [removal.by, ...removal.removed]) seen.set(device.deviceId, device);
    return [...seen.values()];
  };
  return (
    <section class="handover-question" role="alert" aria-labelledby="handover-question-title">
      <h2 id="handover-question-title">Which device do you keep?</h2>
      <For each={describeRemovals(props.choice)}>{(line) => <p>{line}.</p>}</For>
      <p class="hint">
        Keep the device you still have. If the other one was lost or stolen, whoever holds it may have done this removal: this device waits for
        your answer and writes nothing until then. A name is whatever a device calls itself: check the code too, against the one the Sync
        panel shows on the device you keep.
      </p>
      <For each={devices()}>
        {(device) => (
          <button type="button" disabled={props.busy} onClick={() => props.keep(device.deviceId)}>
            Keep {deviceLabel(device)}
          </button>
        )}
      </For>
    </section>
  );
}
