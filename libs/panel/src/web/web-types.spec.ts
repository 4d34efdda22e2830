import { field, uuidOrUndefined } from './web-types';

describe('form fields', () => {
  it.each([
    [{ a: 'x' }, 'x'],
    [{ a: ['x', 'y'] }, undefined],
    [{ a: 'x'.repeat(11) }, undefined],
    [{ a: 'nul\u0000' }, undefined],
    [{ a: 'lone \ud800 surrogate' }, undefined],
    [{ a: 'pair 🙂' }, 'pair 🙂'],
    [{}, undefined],
  ])('%j → %j', (body, expected) => expect(field(body, 'a', 10)).toBe(expected));

  it('ids', () => {
    expect(uuidOrUndefined('9F0C1A3E-0C6B-4A59-9C1D-2B3C4D5E6F70')).toBe('9f0c1a3e-0c6b-4a59-9c1d-2b3c4d5e6f70');
    expect(uuidOrUndefined("1' OR 1=1")).toBeUndefined();
    expect(uuidOrUndefined(undefined)).toBeUndefined();
  });
});
