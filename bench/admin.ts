import { Client } from 'pg';
import { AppConfig } from '../libs/aaa/src/common/app-config';
import { CredentialVault } from '../libs/aaa/src/common/credential-vault';

/** The admin API calls the bench needs: one customer, one router, N accounts. */
export class AdminClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  /** Creates accounts through the API (real encryption, NT hash, validation), `concurrency` at a time. */
  async createAccounts(
    customerId: string,
    users: { username: string; password: string }[],
    concurrency: number,
    onProgress?: (done: number) => void,
  ): Promise<void> {
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < users.length) {
        const u = users[next++];
        await this.post(`/api/customers/${customerId}/accounts`, { username: u.username, password: u.password, kind: 'hotspot' });
        if (++done % 1000 === 0) onProgress?.(done);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
}

/**
 * Fast path for large N: the same sealed passwords and NT hashes the API writes
 * (CredentialVault with the API's SECRET_KEY), inserted 1,000 rows per statement.
 */
export async function bulkInsertAccounts(
  db: Client,
  customerId: string,
  users: { username: string; password: string }[],
  secretKeyHex: string,
): Promise<void> {
  const vault = new CredentialVault(Object.assign(new AppConfig(), { secretKey: Buffer.from(secretKeyHex, 'hex') }));
  for (let i = 0; i < users.length; i += 1000) {
    const chunk = users.slice(i, i + 1000);
    const enc = chunk.map((u) => vault.encrypt(u.password));
    const nt = await Promise.all(chunk.map((u) => vault.ntHash(u.password)));
    await db.query(
      `INSERT INTO accounts (customer_id, username, password_enc, nt_hash, kind)
       SELECT $1, u, p, n, 'hotspot' FROM unnest($2::text[], $3::text[], $4::text[]) AS t(u, p, n)`,
      [customerId, chunk.map((u) => u.username), enc, nt],
    );
  }
}
