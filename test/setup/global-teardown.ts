export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as { __TEST_PG__?: { stop(): Promise<void> } }).__TEST_PG__;
  await db?.stop();
}
