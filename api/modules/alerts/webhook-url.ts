import { isIP } from 'node:net';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a tenant's webhook URL is refused, or undefined when it is fine. https only, except a
 * loopback host over http outside production (development, tests). No credentials or fragment
 * in it, and in production no host that names this machine or a private network: a tenant admin
 * must not be able to make Grove POST into the operator's internal network. (Names that resolve
 * to private addresses are not caught here; egress filtering is the operator's wall for those.)
 */
export function webhookUrlProblem(raw: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.href.length > 2048) return 'longer than 2048 characters';
  if (url.username || url.password) return 'credentials are not allowed in the URL';
  if (url.hash) return 'a fragment is not allowed';
  const host = url.hostname.toLowerCase();
  const loopback = LOOPBACK_HOSTS.has(host);
  if (url.protocol === 'http:') {
    if (loopback && !production) return undefined;
    return 'must be https (http only to localhost outside production)';
  }
  if (url.protocol !== 'https:') return 'must be https';
  if (production && (loopback || host.endsWith('.localhost') || isPrivateAddress(host))) return 'must not name a loopback or private address';
  return undefined;
}

function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  const version = isIP(bare);
  if (version === 4) {
    const [a, b] = bare.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (version === 6) return bare === '::1' || bare === '::' || /^f[cd]/i.test(bare) || /^fe[89ab]/i.test(bare) || /^::ffff:/i.test(bare);
  return false;
}
