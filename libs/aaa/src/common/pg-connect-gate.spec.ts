import { ConnectGate, DatabaseUnavailableError } from './pg-connect-gate';

describe('ConnectGate', () => {
  let now = 0;
  let tries = 0;
  let up = false;
  // random() = 0: the shortest waits, 125, 250, 500 ... ms
  const gate = () =>
    new ConnectGate(
      'test',
      { baseMs: 250, capMs: 5000 },
      () => now,
      () => 0,
    );
  const connect = async () => {
    tries++;
    if (!up) throw new Error('ECONNREFUSED');
    return 'client';
  };
  const outcome = (g: ConnectGate) =>
    g.attempt(connect).then(
      () => 'ok',
      (err: Error) => (err instanceof DatabaseUnavailableError ? 'skipped' : 'failed'),
    );

  beforeEach(() => {
    now = 0;
    tries = 0;
    up = false;
  });

  it('lets every connect through while the database is up', async () => {
    up = true;
    const g = gate();
    expect(await Promise.all([1, 2, 3].map(() => outcome(g)))).toEqual(['ok', 'ok', 'ok']);
    expect(tries).toBe(3);
  });

  it.each([
    // ms after the first failure, expected outcome, attempts made so far
    [0, 'skipped', 1],
    [124, 'skipped', 1],
    [125, 'failed', 2], // the probe after the first wait
    [200, 'skipped', 2], // the second wait (250 ms) runs from the probe's failure
  ])('down: a connect %i ms after the first failure is %s (%i attempts)', async (at, expected, attempts) => {
    const g = gate();
    expect(await outcome(g)).toBe('failed');
    let last = '';
    for (const t of [0, 124, 125, 200].filter((t) => t <= at)) {
      now = t;
      last = await outcome(g);
    }
    expect(last).toBe(expected);
    expect(tries).toBe(attempts);
  });

  it('lets only one probe through at a time, and opens fully once it succeeds', async () => {
    const g = gate();
    expect(await outcome(g)).toBe('failed');
    now = 1000;
    up = true;
    let release!: () => void;
    const slow = g.attempt(() => new Promise<string>((r) => (release = () => r('client'))));
    expect(await outcome(g)).toBe('skipped'); // a probe is in flight
    release();
    await slow;
    expect(g.failing).toBe(false);
    expect(await Promise.all([1, 2].map(() => outcome(g)))).toEqual(['ok', 'ok']);
  });

  it('makes a bounded number of attempts however many connects are asked for', async () => {
    const g = gate();
    // 10 seconds of 100 connects a second
    for (now = 0; now < 10_000; now += 10) await outcome(g);
    // 1 + probes after waits of 125, 250, 500, 1000, 2000, 2500, 2500 ... (sum <= 10 s)
    expect(tries).toBeLessThanOrEqual(9);
  });
});
