import { createMemo } from 'solid-js';
import { encode } from 'uqr';

/**
 * A QR code drawn as SVG on this device (uqr), one path of dark modules: a link in it
 * carries a key, so it is never sent to a QR web service. A 4-module quiet zone lets
 * cameras find it.
 */
export function QrCode(props: { value: string; label: string; size?: number }) {
  const code = createMemo(() => {
    const { data, size } = encode(props.value, { ecc: 'L', border: 4 });
    let path = '';
    data.forEach((row, y) => row.forEach((dark, x) => dark && (path += `M${x} ${y}h1v1h-1z`)));
    return { path, size };
  });
  return (
    <svg
      class="qr"
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${code().size} ${code().size}`}
      width={props.size ?? 220}
      height={props.size ?? 220}
      shape-rendering="crispEdges"
    >
      <rect width="100%" height="100%" fill="#fff" />
      <path d={code().path} fill="#000" />
    </svg>
  );
}
