import * as Y from 'yjs';

/**
 * The root maps a box doc has (sync/sealed/box-layout.ts, sync/share/key-envelope.ts,
 * sync/share/revocations.ts, `epochs`, and `memberHeads`, sync/share/member-head-codec.ts);
 * the vault's box is a SealedDoc box too, with its device approvals
 * (sync/vault/device-approvals.ts). Every value in them is bytes: a sealed envelope, a key
 * envelope, a revocation, a member-list head, an approval.
 */
export const BOX_MAPS: ReadonlySet<string> = new Set(['entries', 'snapshots', 'keys', 'revocations', 'epochs', 'memberHeads', 'approvals']);

/**
 * The most values (Yjs structs) a box may hold: a relay room's default cap, and what a device
 * lets a WebRTC peer grow its box to (a box past it could no longer reach the relay).
 */
export const MAX_BOX_STRUCTS = 100_000;

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

/**
 * Why a decoded update is not something a box can hold, or undefined. Checked before the
 * update touches the room, so a client cannot park Y.Text, nested types or array runs on
 * the relay. Note: Yjs keeps an object of a few hundred bytes per struct, so a frame of
 * one-character inserts costs ~25x its size in memory; a box struct is a keyed binary value.
 *
 * An item encodes its parent only when it has no neighbour to take it from: a map value
 * that overwrites a key names the item it follows (its origin) and inherits that item's
 * map and key. So such an item is checked through its origin: in the room already (it must
 * be a keyed value of a box map, or collected), or in this update (checked here too), or
 * not arrived yet (Yjs holds it aside until then; what arrives is checked when it does).
 */
export function boxUpdateProblem(doc: Y.Doc, structs: readonly Struct[]): string | undefined {
  for (const struct of structs) {
    // GC: a collected range; Skip: a gap in a merged update. Neither holds content.
    if (!(struct instanceof Y.Item)) continue;
    const { content } = struct;
    if (!(content instanceof Y.ContentBinary) && !(content instanceof Y.ContentDeleted)) {
      return `a box holds bytes only, not ${content.constructor.name}`;
    }
    // Map values never have a right neighbour at insert time; list elements do.
    if (struct.rightOrigin !== null) return 'a list element (right origin)';
    const problem = struct.origin === null ? placeProblem(struct.parent, struct.parentSub) : originProblem(doc, struct.origin);
    if (problem) return problem;
  }
  return undefined;
}

function placeProblem(parent: Y.Item['parent'] | string, key: string | null): string | undefined {
  if (typeof parent !== 'string') return 'a nested value (a box has top-level maps only)';
  if (!BOX_MAPS.has(parent)) return `an unknown root "${parent.slice(0, 40)}"`;
  if (key === null) return `a list insert into "${parent}"`;
  return undefined;
}

function originProblem(doc: Y.Doc, origin: Y.ID): string | undefined {
  if (origin.clock >= Y.getState(doc.store, origin.client)) return undefined;
  const left = Y.getItem(doc.store, origin);
  // A collected neighbour makes Yjs collect the new item too.
  if (!(left instanceof Y.Item)) return undefined;
  const parent = left.parent;
  if (!(parent instanceof Y.AbstractType) || parent._item !== null) return 'a value after a nested item';
  return placeProblem(Y.findRootTypeKey(parent), left.parentSub);
}
