import { createMemo, createSignal, For, onCleanup, onMount, type JSX } from 'solid-js';

/** Narrowest card; columns are as many as fit (2 on a 375 px phone). */
const MIN_CARD_PX = 150;
const GAP_PX = 8;
/** Height of a card below its 4:3 photo: title, chips, snippet, date (matches styles.css .note-grid). */
const TEXT_PX = 104;
/** Rows rendered beyond each edge, so Tab and fast scrolling meet cards that already exist. */
const OVERSCAN_ROWS = 2;

export interface GridLayout {
  readonly columns: number;
  readonly rowHeight: number;
  readonly first: number;
  readonly last: number;
  readonly rows: number;
}

/** Which items to render for a scroll position: whole rows in view plus the overscan. */
export function gridLayout(count: number, width: number, scrollTop: number, viewport: number): GridLayout {
  const columns = Math.max(1, Math.floor((width + GAP_PX) / (MIN_CARD_PX + GAP_PX)));
  const cardWidth = (width - GAP_PX * (columns - 1)) / columns;
  const rowHeight = Math.round(cardWidth * 0.75 + TEXT_PX) + GAP_PX;
  const rows = Math.ceil(count / columns);
  const firstRow = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN_ROWS);
  const lastRow = Math.min(rows, Math.ceil((scrollTop + viewport) / rowHeight) + OVERSCAN_ROWS);
  return { columns, rowHeight, first: firstRow * columns, last: Math.min(count, lastRow * columns), rows };
}

/**
 * The notes grid, windowed: only the rows in view (and a couple either side) are in the
 * DOM, so 10,000 notes cost as much as 30. Rows have one height, computed from the
 * width, which is what lets a scroll position map to a row without measuring cards.
 * `item` must return an `<li>`; items keep their DOM node while they stay in the window.
 * Wide screens scroll it in its own box; on a phone it is as tall as its rows and the page scrolls.
 */
export function NoteGrid(props: { ids: readonly string[]; item: (id: string) => JSX.Element; label: string; empty: JSX.Element }) {
  let scroller: HTMLDivElement | undefined;
  const [width, setWidth] = createSignal(0);
  const [viewport, setViewport] = createSignal(0);
  const [scrollTop, setScrollTop] = createSignal(0);
  const layout = createMemo(() => gridLayout(props.ids.length, width(), scrollTop(), viewport()));
  const shown = createMemo(() => props.ids.slice(layout().first, layout().last));

  onMount(() => {
    if (!scroller) return;
    const el = scroller;
    // Note: on a wide screen the grid scrolls in its own box; on a phone (styles.css) it grows
    // and the page scrolls. The rows in view are where the box and the window overlap, so one
    // measure serves both: the box's own scroll plus how far the page has scrolled past its top.
    const measure = (): void => {
      const box = el.getBoundingClientRect();
      setWidth(el.clientWidth);
      setScrollTop(el.scrollTop + Math.max(0, -box.top));
      setViewport(Math.max(0, Math.min(box.bottom, innerHeight) - Math.max(box.top, 0)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    addEventListener('scroll', measure, { passive: true });
    addEventListener('resize', measure, { passive: true });
    onCleanup(() => {
      observer.disconnect();
      removeEventListener('scroll', measure);
      removeEventListener('resize', measure);
    });
    remeasure = measure;
  });
  let remeasure = (): void => undefined;

  return (
    <div class="note-grid" ref={scroller} onScroll={() => remeasure()} data-count={props.ids.length}>
      <ul
        aria-label={props.label}
        style={{
          'grid-template-columns': `repeat(${layout().columns}, minmax(0, 1fr))`,
          'grid-auto-rows': `${layout().rowHeight - GAP_PX}px`,
          // Padding stands in for the rows not rendered, so the scrollbar spans every note.
          'padding-top': `${(layout().first / layout().columns) * layout().rowHeight}px`,
          'padding-bottom': `${Math.max(0, layout().rows - Math.ceil(layout().last / layout().columns)) * layout().rowHeight}px`,
        }}
      >
        <For each={shown()} fallback={props.empty}>
          {(id) => props.item(id)}
        </For>
      </ul>
    </div>
  );
}
