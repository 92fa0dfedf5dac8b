/**
 * Where an `http` node may call. Checked on publish from the URL alone; the caller that really sends
 * the request must check again after DNS and after every redirect (`isPrivateAddress` on each
 * resolved address), since a public name can point anywhere.
 */

function ipv4Parts(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function privateV4([a, b]: number[]): boolean {
  return (
    a === 0 || a === 10 || a === 127 || (a === 100 && b! >= 64 && b! <= 127) || (a === 169 && b === 254) || (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19)) || a! >= 224
  );
}

/** Expands an IPv6 literal (no brackets) to eight 16-bit groups, or null when it is not one. */
function ipv6Groups(host: string): number[] | null {
  if (!host.includes(":")) return null;
  let h = host.toLowerCase().split("%")[0]!;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(h);
  if (v4) {
    const p = ipv4Parts(v4[1]!);
    if (!p) return null;
    h = h.slice(0, -v4[1]!.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const halves = h.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array(Math.max(fill, 0)).fill("0"), ...tail];
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}

/** True for loopback, private, link-local, unique-local, CGNAT, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "");
  const v4 = ipv4Parts(host);
  if (v4) return privateV4(v4);
  const g = ipv6Groups(host);
  if (!g) return false;
  if (g.every((x, i) => (i < 7 ? x === 0 : x <= 1))) return true; // :: and ::1
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // fe80::/10 link local
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address inside.
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) return privateV4([g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff]);
  return false;
}

const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** Null when a flow may call this URL (templates allowed only after the host), else why not. */
export function httpTargetProblem(url: string): string | null {
  const beforePath = url.split(/[/?#]/, 3).slice(0, 3).join("/");
  if (beforePath.includes("{{")) return "url must name its host literally (variables only in the path or query)";
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{\{[^}]*\}\}/g, "x"));
  } catch {
    return "url is not a valid URL";
  }
  if (parsed.protocol !== "https:") return "url must use https";
  if (parsed.username || parsed.password) return "url must not carry credentials";
  const host = parsed.hostname.replace(/\.$/, "");
  if (INTERNAL_NAMES.test(host) || (!host.includes(".") && !host.startsWith("["))) return `url host ${host} is internal`;
  if (isPrivateAddress(host)) return `url host ${host} is a private or loopback address`;
  return null;
}
