import { generateRadiusSecret } from './tokens';

describe('generateRadiusSecret', () => {
  // A generated RADIUS secret is pasted into router configs and shell commands
  // (`radtest user pw host 0 SECRET`, RouterOS `secret=`). One starting with '-' is read
  // as an option by radtest/radclient, and '_'/'-' are easy to lose in router UIs.
  it('is letters and digits only, so no tool reads it as an option', () => {
    for (let i = 0; i < 2000; i++) expect(generateRadiusSecret()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('takes the length asked for, and differs every time', () => {
    expect(generateRadiusSecret(20)).toHaveLength(20);
    const seen = new Set(Array.from({ length: 500 }, () => generateRadiusSecret()));
    expect(seen.size).toBe(500);
  });
});
