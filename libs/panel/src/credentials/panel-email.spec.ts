import { panelEmail } from './panel-email';

describe('panelEmail()', () => {
  it.each([
    ['erika@example.org', 'erika@example.org'],
    ['  Erika.Mustermann@Example.ORG ', 'erika.mustermann@example.org'],
    ['a+panel@mail.example', 'a+panel@mail.example'],
    ['nobody', null],
    ['a@b@c', null],
    ['erika@exämple.org', null],
    ['érika@example.org', null],
    ['erika@example.org\n', 'erika@example.org'],
    ['erika@example..org', null],
    [`${'a'.repeat(65)}@example.org`, null],
    [42, null],
    [undefined, null],
  ])('%j → %j', (raw, expected) => {
    expect(panelEmail(raw)).toBe(expected);
  });
});
