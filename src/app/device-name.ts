const MAX_LENGTH = 60;

/**
 * "Chrome on Linux": what the other devices in a notebook see in their sync panel
 * (sealed presence, never readable by a server) until the person names this device.
 */
export function deviceNameFromUserAgent(userAgent: string = navigator.userAgent): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge'
    : /Firefox\//.test(userAgent) ? 'Firefox'
    : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari'
    : 'Browser';
  const system = /Android/.test(userAgent) ? 'Android'
    : /iPhone|iPad|iPod/.test(userAgent) ? 'iOS'
    : /Mac OS X/.test(userAgent) ? 'macOS'
    : /Windows/.test(userAgent) ? 'Windows'
    : /CrOS/.test(userAgent) ? 'ChromeOS'
    : /Linux/.test(userAgent) ? 'Linux'
    : 'this device';
  return `${browser} on ${system}`;
}

/**
 * What the name field is prefilled with when a device is set up or linked: the platform plus
 * when, so two alike devices ("Chrome on Linux") are told apart until the person names them.
 */
export function suggestedDeviceName(now: Date = new Date(), userAgent: string = navigator.userAgent): string {
  const when = now.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return cleanDeviceName(`${deviceNameFromUserAgent(userAgent)}, set up ${when}`);
}

export function cleanDeviceName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_LENGTH);
}
