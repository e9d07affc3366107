import { Show, type JSX } from 'solid-js';

/**
 * The bar across the top of the unlocked app: the brand, the screen's own buttons, then Lock.
 * The brand is the page's level-one heading where the screen has none of its own (the
 * notebooks screen); Settings has its own h1, so there the brand is plain text.
 */
export function TopBar(props: { brandIsHeading: boolean; onLock: () => void; children: JSX.Element }) {
  return (
    <header class="topbar">
      <Show when={props.brandIsHeading} fallback={<span class="brand">Obscura</span>}>
        <h1 class="brand">Obscura</h1>
      </Show>
      <div class="topbar-actions">
        {props.children}
        <button type="button" onClick={() => props.onLock()} aria-label="Lock the vault">
          Lock
        </button>
      </div>
    </header>
  );
}
