import { INVITE_PATH } from '../../sync/share/invite-link.ts';
import { LINK_REQUEST_PATH, LINK_RESPONSE_PATH } from '../../sync/share/device-link.ts';

/** A link this page was opened with (or that was pasted into its address bar). */
export type PendingLink =
  | { readonly kind: 'join'; readonly link: string }
  | { readonly kind: 'link-device'; readonly link: string }
  | { readonly kind: 'linked'; readonly link: string };

const KINDS = [
  [INVITE_PATH, 'join'],
  [LINK_REQUEST_PATH, 'link-device'],
  [LINK_RESPONSE_PATH, 'linked'],
] as const;

/**
 * Reads an invite or device link from the address bar once and removes it (replaceState),
 * so the key it carries does not stay in the address bar, in a bookmark or in the next
 * screenshot. The fragment itself never reached a server. Validation is the parsers' job
 * (parseInviteLink, parseDeviceLinkRequest, openDeviceLinkResponse), which never throw.
 */
export function takeLinkFromLocation(): PendingLink | undefined {
  const hash = location.hash;
  const kind = KINDS.find(([prefix]) => hash.startsWith(prefix))?.[1];
  if (!kind) return undefined;
  const link = `${location.origin}/${hash}`;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return { kind, link };
}

/** Links pasted into the address bar of this open tab (a hash change, no reload). */
export function onLinkInLocation(listener: (link: PendingLink) => void): () => void {
  const read = () => {
    const link = takeLinkFromLocation();
    if (link) listener(link);
  };
  addEventListener('hashchange', read);
  return () => removeEventListener('hashchange', read);
}
