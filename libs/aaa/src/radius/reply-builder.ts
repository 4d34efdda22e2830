import { RouterVendor } from '../routers/router.entity';
import { ReplyPlan } from './policy';
import { ReplyValue } from './rlm-rest.codec';

const GIGA = 2 ** 32;

/** MikroTik: rx/tx are from the router's side, so upload comes first. */
function mikrotikRate(rate: NonNullable<ReplyPlan['rate']>): string {
  const base = `${rate.uploadKbps}k/${rate.downloadKbps}k`;
  if (!rate.burstDownloadKbps || !rate.burstUploadKbps) return base;
  const pct = (rate.burstThresholdPercent ?? 75) / 100;
  const threshold = `${Math.round(rate.uploadKbps * pct)}k/${Math.round(rate.downloadKbps * pct)}k`;
  const time = rate.burstTimeSeconds ?? 10;
  return `${base} ${rate.burstUploadKbps}k/${rate.burstDownloadKbps}k ${threshold} ${time}/${time}`;
}

/**
 * Turns the vendor-neutral reply plan into RADIUS reply attributes for one router vendor.
 * `restrictedList` marks a restricted login so the router can confine it to the portal.
 */
export function buildReply(
  vendor: RouterVendor,
  plan: ReplyPlan,
  restricted: boolean,
  restrictedList: string,
): Record<string, ReplyValue | undefined> {
  const r: Record<string, ReplyValue | undefined> = {
    'reply:Framed-IP-Address': plan.framedIp ?? undefined,
    // RFC 3162 and 4818, read by MikroTik's PPPoE and DHCPv6 servers and any RFC NAS alike.
    'reply:Framed-IPv6-Prefix': plan.framedIpv6Prefix ?? undefined,
    'reply:Delegated-IPv6-Prefix': plan.delegatedIpv6Prefix ?? undefined,
    'reply:Session-Timeout': plan.sessionTimeout ?? undefined,
    'reply:Idle-Timeout': plan.idleTimeout ?? undefined,
    'reply:Acct-Interim-Interval': plan.interimInterval,
  };
  const rate = plan.rate;
  const remaining = plan.remainingBytes;
  if (vendor === 'mikrotik') {
    if (rate) r['reply:Mikrotik-Rate-Limit'] = mikrotikRate(rate);
    if (remaining !== null) {
      r['reply:Mikrotik-Total-Limit'] = remaining % GIGA;
      r['reply:Mikrotik-Total-Limit-Gigawords'] = Math.floor(remaining / GIGA);
    }
    if (restricted) r['reply:Mikrotik-Address-List'] = restrictedList;
    return r;
  }
  // uspot and generic (Coova-style) NAS understand WISPr rates in bit/s and ChilliSpot octet caps.
  if (rate) {
    r['reply:WISPr-Bandwidth-Max-Up'] = rate.uploadKbps * 1000;
    r['reply:WISPr-Bandwidth-Max-Down'] = rate.downloadKbps * 1000;
  }
  if (remaining !== null) {
    r['reply:ChilliSpot-Max-Total-Octets'] = remaining % GIGA;
    r['reply:ChilliSpot-Max-Total-Gigawords'] = Math.floor(remaining / GIGA);
  }
  if (restricted) r['reply:Filter-Id'] = restrictedList;
  return r;
}
