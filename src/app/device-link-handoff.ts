import { LINK_RESPONSE_PATH } from '../../sync/share/device-link.ts';

/**
 * The new device's box key pair lives only in the tab that showed the request. Scanning the
 * answer's QR code opens it in another tab; that tab hands the link over this same-origin
 * BroadcastChannel to the waiting tab instead of storing the secret key anywhere.
 */
const CHANNEL = 'obscura-device-link';
const MAX_LINK = 4096;

type HandoffMessage = { type: 'answer'; id: string; link: string } | { type: 'taken'; id: string };

function readMessage(data: unknown): HandoffMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (typeof m.id !== 'string') return undefined;
  if (m.type === 'taken') return { type: 'taken', id: m.id };
  if (m.type === 'answer' && typeof m.link === 'string' && m.link.length <= MAX_LINK && m.link.includes(LINK_RESPONSE_PATH)) return { type: 'answer', id: m.id, link: m.link };
  return undefined;
}

/** The waiting tab: answers opened in other tabs of this browser arrive here. */
export function receiveDeviceLinkAnswers(onAnswer: (link: string) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent) => {
    const message = readMessage(event.data);
    if (message?.type !== 'answer') return;
    channel.postMessage({ type: 'taken', id: message.id } satisfies HandoffMessage);
    onAnswer(message.link);
  };
  return () => channel.close();
}

/** Another tab opened with an answer: resolves true once a waiting tab took it. */
export function handOffDeviceLinkAnswer(link: string, waitMs = 1500): Promise<boolean> {
  if (typeof BroadcastChannel === 'undefined') return Promise.resolve(false);
  const channel = new BroadcastChannel(CHANNEL);
  const id = crypto.randomUUID();
  return new Promise((resolve) => {
    const done = (taken: boolean) => {
      clearTimeout(timer);
      channel.close();
      resolve(taken);
    };
    const timer = setTimeout(() => done(false), waitMs);
    channel.onmessage = (event: MessageEvent) => {
      const message = readMessage(event.data);
      if (message?.type === 'taken' && message.id === id) done(true);
    };
    channel.postMessage({ type: 'answer', id, link } satisfies HandoffMessage);
  });
}
