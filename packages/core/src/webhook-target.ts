import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Where a webhook may not be sent unless WEBHOOK_ALLOW_PRIVATE=true: loopback, private, link-local (which holds the
 * cloud metadata address 169.254.169.254), carrier-grade NAT, unique-local and other non-global ranges (RFC 6890).
 * A server that posts to URLs its clients choose must not become their way into its own network (SSRF).
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  refused.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  refused.addSubnet(network, prefix, "ipv6");

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as its IPv4 address. */
function normalise(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: "ipv4" };
  return { address, family: isIP(address) === 6 ? "ipv6" : "ipv4" };
}

/** True when `address` (an IP literal) is in a range webhooks are not sent to. */
export function isRefusedAddress(address: string): boolean {
  const { address: a, family } = normalise(address);
  return refused.check(a, family);
}

export class WebhookTargetRefused extends Error {
  constructor(readonly reason: "scheme" | "private_address" | "unresolvable", detail: string) {
    super(detail);
    this.name = "WebhookTargetRefused";
  }
}

/** A resolved address of the target that may be connected to. */
export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host and refuses it when any of its addresses is refused (unless `allowPrivate`). Called at
 * upload and again at each delivery, where the connection then goes to the address checked here and not to a second
 * lookup's answer (DNS rebinding: a name that resolves to a public address first and a private one later).
 */
export async function resolveWebhookTarget(url: string, allowPrivate: boolean): Promise<ResolvedTarget> {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new WebhookTargetRefused("scheme", `scheme ${parsed.protocol}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: ResolvedTarget[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) as 4 | 6 }];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    } catch (error) {
      throw new WebhookTargetRefused("unresolvable", `${host}: ${(error as NodeJS.ErrnoException).code ?? "lookup failed"}`);
    }
  }
  if (addresses.length === 0) throw new WebhookTargetRefused("unresolvable", `${host}: no address`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => isRefusedAddress(a.address));
    if (bad) throw new WebhookTargetRefused("private_address", `${host} resolves to ${bad.address}`);
  }
  return addresses[0];
}
