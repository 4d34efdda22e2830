import { Admission, FailureThrottle, ThrottleOptions, throttleKey } from './failure-throttle';

const OPTS: ThrottleOptions = { free: 3, leakMs: 60_000, baseDelayMs: 1000, maxDelayMs: 8000, maxWaitMs: 10_000, maxKeys: 100 };

function setup(opts = OPTS) {
  let now = 1_000_000;
  const t = new FailureThrottle(opts, () => now);
  return { t, advance: (ms: number) => (now += ms) };
}

/** One attempt that fails, as the guard runs it. */
const fail = (t: FailureThrottle, key = 'a'): Admission => {
  const a = t.admit(key);
  if ('waitMs' in a) t.failed(key);
  return a;
};

describe('FailureThrottle', () => {
  it('lets the free failures through without waiting, then spaces attempts by a doubling delay', () => {
    const { t } = setup();
    const waits = Array.from({ length: 7 }, () => fail(t));
    expect(waits).toEqual([
      { waitMs: 0 },
      { waitMs: 0 },
      { waitMs: 0 },
      { waitMs: 0 }, // first slowed attempt: its slot is now, the next one 1 s later
      { waitMs: 1000 }, // then 2 s, 4 s, 8 s (capped) between slots
      { waitMs: 3000 },
      { waitMs: 7000 },
    ]);
    expect(fail(t)).toEqual({ refusedForMs: 15_000 });
  });

  it('counts attempts in flight: a parallel burst gets the free tries, then waits', () => {
    const { t } = setup();
    const burst = Array.from({ length: 6 }, () => t.admit('a'));
    expect(burst.map((a) => ('waitMs' in a ? a.waitMs : -1))).toEqual([0, 0, 0, 0, 1000, 3000]);
  });

  it('slows a valid token from a slowed address too, and a success does not wipe the failures', () => {
    const { t } = setup();
    for (let i = 0; i < 3; i++) fail(t);
    const a = t.admit('a');
    expect(a).toEqual({ waitMs: 0 });
    t.succeeded('a');
    expect(t.admit('a')).toEqual({ waitMs: 1000 });
    t.succeeded('a');
    expect(t.score('a')).toBe(3);
  });

  it('counts a failure whole until it has leaked away: ten quick failures slow the eleventh', () => {
    const { t, advance } = setup();
    for (let i = 0; i < 3; i++) {
      fail(t);
      advance(10);
    }
    expect(t.admit('a')).toEqual({ waitMs: 0 });
    expect(t.admit('a')).toEqual({ waitMs: 1000 });
  });

  it('leaves other addresses alone', () => {
    const { t } = setup();
    for (let i = 0; i < 8; i++) fail(t, 'a');
    expect(t.admit('b')).toEqual({ waitMs: 0 });
  });

  it('forgets one failure per leak period', () => {
    const { t, advance } = setup();
    for (let i = 0; i < 5; i++) fail(t);
    advance(3 * 60_000 + 20_000); // slots long past; 3 of 5 failures forgotten
    expect(t.score('a')).toBeCloseTo(5 - 3 - 1 / 3, 5);
    expect(t.admit('a')).toEqual({ waitMs: 0 });
  });

  it('refuses without taking a slot, so a refused attempt does not push the others back', () => {
    const { t, advance } = setup();
    for (let i = 0; i < 8; i++) fail(t);
    const refused = t.admit('a');
    expect('refusedForMs' in refused).toBe(true);
    advance((refused as { refusedForMs: number }).refusedForMs - OPTS.maxWaitMs);
    expect(t.admit('a')).toEqual({ waitMs: OPTS.maxWaitMs });
  });

  it('keeps memory bounded: forgets clean addresses first', () => {
    const { t, advance } = setup({ ...OPTS, maxKeys: 3 });
    fail(t, 'x');
    fail(t, 'y');
    advance(10 * 60_000);
    for (let i = 0; i < 3; i++) fail(t, 'bad');
    fail(t, 'z');
    expect(t.score('bad')).toBe(3);
  });
});

describe('throttleKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not-an-ip', 'not-an-ip'],
  ])('%s → %s', (ip, key) => expect(throttleKey(ip)).toBe(key));
});
