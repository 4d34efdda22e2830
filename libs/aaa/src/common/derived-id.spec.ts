import { derivedId } from './derived-id';

describe('derivedId', () => {
  it.each([
    ['same key, same id', 'reset:a:1', 'reset:a:1', true],
    ['another key, another id', 'reset:a:1', 'reset:a:2', false],
  ])('%s', (_name, a, b, same) => {
    expect(derivedId(a) === derivedId(b)).toBe(same);
    expect(derivedId(a)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
