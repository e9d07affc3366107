import { createSignal, Show } from 'solid-js';
import { QrCode } from './QrCode.tsx';

/**
 * A link to hand to another device: as text (select, copy) and as a QR code to scan.
 * `label` names it for screen readers and for the Copy button.
 */
export function QrLink(props: { link: string; label: string; id: string }) {
  const [copied, setCopied] = createSignal<'copied' | 'failed'>();
  let input: HTMLInputElement | undefined;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.link);
      setCopied('copied');
    } catch {
      // No clipboard permission (or an insecure origin): leave it selected to copy by hand.
      input?.select();
      setCopied('failed');
    }
  };

  return (
    <div class="qr-link">
      <QrCode value={props.link} label={`QR code of the ${props.label}`} />
      <div class="qr-link-text">
        <label for={props.id}>{props.label}</label>
        <div class="inline-form">
          <input id={props.id} ref={input} readOnly autocomplete="off" value={props.link} onFocus={(e) => e.currentTarget.select()} spellcheck={false} />
          <button type="button" onClick={() => void copy()}>
            Copy
          </button>
        </div>
        <p class="hint" role="status">
          <Show when={copied()}>{(state) => (state() === 'copied' ? 'Copied.' : 'Could not copy: the link is selected, copy it with Ctrl+C.')}</Show>
        </p>
      </div>
    </div>
  );
}
