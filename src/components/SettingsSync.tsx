import { createSignal, Show } from 'solid-js';
import { checkReplicationSettings, ReplicationConfigError } from '../../sync/replication/replication-settings.ts';
import { defaultSyncUrls } from '../app/default-sync-urls.ts';
import { messageFor } from '../app/messages.ts';
import type { AppSettings, SyncSettings } from '../app/settings-store.ts';

/** checkReplicationSettings also checks room and password; these pass, so only the servers are judged. */
const PROBE_ROOM = 'settings-check'.padEnd(43, '-');
const PROBE_PASSWORD = 'settings-check-password';

const lines = (text: string) => text.split(/\n/).map((l) => l.trim()).filter(Boolean);

/** The relay's blob API is plain HTTP(S); like the others it must not carry a query or credentials. */
function checkBlobsUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'The blobs address is not a URL.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The blobs address must start with http:// or https://.';
  if (url.search || url.hash || url.username || url.password) return 'The blobs address must not carry a query, fragment or credentials.';
  return undefined;
}

/** Validates what was typed; the result is what gets stored, or the message to show. */
export function validateSyncForm(form: { signaling: string; relay: string; blobs: string; ice: string }): { ok: true; value: SyncSettings } | { ok: false; message: string } {
  const iceServers = lines(form.ice).map((url) => ({ urls: [url] }));
  try {
    const checked = checkReplicationSettings({ signalingUrls: lines(form.signaling), relayUrl: form.relay.trim(), iceServers }, PROBE_ROOM, PROBE_PASSWORD);
    const blobsProblem = checkBlobsUrl(form.blobs.trim());
    if (blobsProblem) return { ok: false, message: blobsProblem };
    return { ok: true, value: { signalingUrls: checked.signalingUrls, relayUrl: checked.relayUrl ?? '', blobsUrl: form.blobs.trim(), iceServers } };
  } catch (e) {
    if (e instanceof ReplicationConfigError) return { ok: false, message: `${messageFor(e.code)} (${e.message})` };
    throw e;
  }
}

/** Signaling, relay, blobs and ICE servers; until changed, the servers of the origin that served the app. */
export function SettingsSync(props: { settings: AppSettings; onChange: (patch: Partial<AppSettings>) => Promise<void> }) {
  const current = (): SyncSettings => props.settings.sync ?? { ...defaultSyncUrls(location.origin), iceServers: [] };
  const [signaling, setSignaling] = createSignal(current().signalingUrls.join('\n'));
  const [relay, setRelay] = createSignal(current().relayUrl);
  const [blobs, setBlobs] = createSignal(current().blobsUrl);
  const [ice, setIce] = createSignal(current().iceServers.flatMap((s) => s.urls).join('\n'));
  const [problem, setProblem] = createSignal<string>();

  const fill = (sync: SyncSettings) => {
    setSignaling(sync.signalingUrls.join('\n'));
    setRelay(sync.relayUrl);
    setBlobs(sync.blobsUrl);
    setIce(sync.iceServers.flatMap((s) => s.urls).join('\n'));
  };

  const save = (event: SubmitEvent) => {
    event.preventDefault();
    const result = validateSyncForm({ signaling: signaling(), relay: relay(), blobs: blobs(), ice: ice() });
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    setProblem(undefined);
    fill(result.value);
    void props.onChange({ sync: result.value });
  };

  const useDefaults = () => {
    setProblem(undefined);
    fill({ ...defaultSyncUrls(location.origin), iceServers: [] });
    void props.onChange({ sync: undefined });
  };

  return (
    <section class="settings-section" id="settings-sync" aria-labelledby="settings-sync-title">
      <h2 id="settings-sync-title">Sync</h2>
      <p class="hint">
        Servers only ever see encrypted data. <Show when={!props.settings.sync}>Now using the servers of {location.host}.</Show>
      </p>
      <form class="settings-form" onSubmit={save} novalidate>
        <label for="sync-signaling">Signaling servers (one per line)</label>
        <textarea id="sync-signaling" rows="2" autocomplete="off" value={signaling()} onInput={(e) => setSignaling(e.currentTarget.value)} spellcheck={false} />
        <label for="sync-relay">Relay</label>
        <input id="sync-relay" autocomplete="off" value={relay()} onInput={(e) => setRelay(e.currentTarget.value)} spellcheck={false} />
        <label for="sync-blobs">Photo relay (blobs)</label>
        <input id="sync-blobs" autocomplete="off" value={blobs()} onInput={(e) => setBlobs(e.currentTarget.value)} spellcheck={false} />
        <label for="sync-ice">STUN/TURN servers (one per line, optional)</label>
        <textarea id="sync-ice" rows="2" autocomplete="off" value={ice()} onInput={(e) => setIce(e.currentTarget.value)} spellcheck={false} placeholder="turn:turn.example.org:3478" />
        <Show when={problem()}>
          {(text) => (
            <p class="error" role="alert" id="sync-problem">
              {text()}
            </p>
          )}
        </Show>
        <div class="row">
          <button type="submit" class="primary">
            Save sync servers
          </button>
          <button type="button" onClick={useDefaults}>
            Use this site's servers
          </button>
        </div>
      </form>
    </section>
  );
}
