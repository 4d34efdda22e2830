import fc from 'fast-check';
import type { AttributeRule, AttributeSchema } from '@app/aaa';

/**
 * Hostile inputs for the fuzz suite, generated from the admin API's OpenAPI document
 * and from the rlm_rest attribute tables, so endpoints and fields added later are
 * covered without touching the suite.
 */

export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  writeOnly?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
};

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
}

/** Absent from the generated object (not even `undefined` reaches the wire). */
export const ABSENT = Symbol('absent');

/** One of each class that ever gave a 500, and their neighbours. */
const HOSTILE_CONSTANTS: unknown[] = [
  null,
  '',
  ' ',
  'x\u0000y',
  '\u0000',
  'a\ud800b',
  '\udfff',
  '\ud83d',
  'a'.repeat(5000),
  '\t',
  'eve\r\n',
  '\u202e\u2028\ufeff',
  "'; DROP TABLE accounts; --",
  '<img src=x onerror=alert(1)>',
  '%00',
  '../../../etc/passwd',
  '${7*7}{{7*7}}',
  'NaN',
  '-0',
  '1e309',
  -1,
  0,
  1.5,
  -1e19,
  1e19,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 63,
  2 ** 64,
  Number.MAX_VALUE,
  '99999999999999999999',
  '-99999999999999999999',
  true,
  false,
  [],
  {},
  [null],
  [''],
  ['x\u0000'],
  ['10.0.0.1/24'],
  ['1.2.3.4/33'],
  '10.0.0.1/24',
  '1.2.3.4/33',
  'fe80::1%eth0',
  '::ffff:1.2.3.4',
  '999.1.1.1',
  '1.2.3.4 ',
  '2020-13-45T00:00:00Z',
  '-271821-04-20T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  { $gt: '' },
  { nested: { deeper: ['x\u0000'] } },
];

/** Any UTF-16 code units, unpaired surrogates included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 24 });

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS) },
  { weight: 1, arbitrary: anyUnits },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
);

/** Aimed at what a field of this type turns into in SQL: text, int/bigint, inet/cidr, timestamptz, arrays. */
const BY_TYPE: Record<string, unknown[]> = {
  string: [
    'x\u0000y',
    'a\ud800b',
    '\udfff',
    'a'.repeat(5000),
    '',
    ' ',
    '\t',
    'fe80::1%eth0',
    '10.0.0.1/24',
    '1.2.3.4/33',
    '2020-13-45T00:00:00Z',
    '-271821-04-20T00:00:00.000Z',
    42,
    true,
  ],
  integer: [1e19, -1e19, 2 ** 31, 2 ** 53, 2 ** 63, -1, 1.5, '99999999999999999999', '12', NaN, true, 'x\u0000'],
  number: [1e19, -1, 1.5, '1', true],
  boolean: ['true', 1, 'x\u0000'],
  array: [[null], ['x\u0000'], ['10.0.0.1/24', '1.2.3.4/33'], ['fe80::/64%eth0'], Array(100).fill('a'), 'x', [[]], [{}]],
  object: [[], 'x', { a: 'x\u0000' }],
};

/** A hostile value for a field of this schema: null, one aimed at its type, or any. */
export function hostileFor(doc: OpenApiDoc, schema: Schema): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const typed = BY_TYPE[s.format === 'date-time' ? 'string' : (s.type ?? 'string')] ?? BY_TYPE.string;
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 4, arbitrary: fc.constantFrom(...typed) },
    { weight: 3, arbitrary: hostileValue },
  );
}

export function resolve(doc: OpenApiDoc, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!]);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => resolve(doc, s)));
  return schema;
}

let counter = 0;
/** A fresh suffix, so values that must be unique (names, addresses) are. */
export const unique = () => ++counter;
/** A well-formed UUID that names nothing; from the counter, so a seed replays the same inputs. */
const someUuid = () => `00000000-0000-4000-8000-${unique().toString(16).padStart(12, '0')}`;

/**
 * A plausible valid value, so that one hostile field among valid ones gets past the
 * others and reaches the service and the database. `ids` holds real ids by field name.
 */
export function validValue(doc: OpenApiDoc, name: string, raw: Schema, ids: Record<string, string>): unknown {
  const s = resolve(doc, raw);
  const n = unique();
  if (ids[name]) return ids[name];
  if (s.enum?.length) return s.enum[n % s.enum.length];
  switch (name) {
    // Each depends on another field (inside the pool's network; not with ipPoolId): left out.
    case 'gateway':
    case 'staticIp':
    case 'delegatedPrefix':
    case 'framedIpv6Prefix':
      return ABSENT;
    case 'prefix':
      return `2001:db9:${(n & 0xffff).toString(16)}::/48`;
    case 'username':
      return `fz${n}.user`;
    case 'nasIdentifier':
      return `fz-${n}`;
    case 'nasIp':
      return `127.${100 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    case 'name':
      return `fuzz ${n}`;
    case 'cidr':
      return `10.${(n >> 8) & 255}.${n & 255}.0/24`;
    case 'email':
      return `fz${n}@example.org`;
  }
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.format === 'uuid') return someUuid();
  if (s.format === 'date-time') return new Date(Date.now() + 86400_000).toISOString();
  switch (s.type) {
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, Math.min(s.maximum ?? 1000, 1 + (n % 100)));
    case 'boolean':
      return n % 2 === 0;
    case 'array':
      return [validValue(doc, name, s.items ?? {}, ids)];
    case 'object':
      return validObject(doc, s, ids);
    default:
      return `fuzz-value-${n}`.padEnd(s.minLength ?? 0, 'x').slice(0, s.maxLength ?? 64);
  }
}

export function validObject(doc: OpenApiDoc, schema: Schema, ids: Record<string, string>): Record<string, unknown> {
  const s = resolve(doc, schema);
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const value = validValue(doc, name, prop, ids);
    if (value !== ABSENT) out[name] = value;
  }
  return out;
}

/**
 * A body that is valid except for one or two fields replaced by hostile values (or
 * none), some optional ones left out, now and then an unknown field or a body that is
 * not an object: mostly valid, so the hostile part gets past validation of the rest.
 */
export function hostileBody(doc: OpenApiDoc, schema: Schema, ids: Record<string, string>): fc.Arbitrary<unknown> {
  const properties = resolve(doc, schema).properties ?? {};
  const props = Object.keys(properties);
  const replaced = fc
    .subarray(props, { maxLength: Math.min(2, props.length) })
    .chain((names) => fc.tuple(fc.constant(names), fc.tuple(...names.map((n) => hostileFor(doc, properties[n])))));
  const object = fc
    .record({ replaced, dropped: fc.subarray(props, { maxLength: Math.min(2, props.length) }) })
    .map(({ replaced: [names, values], dropped }) => {
      const body = validObject(doc, schema, ids);
      for (const name of dropped) delete body[name];
      names.forEach((name, i) => (body[name] = values[i]));
      return body;
    });
  return fc.oneof(
    { weight: 12, arbitrary: object },
    { weight: 1, arbitrary: fc.tuple(object, anyUnits, hostileValue).map(([o, k, v]) => ({ ...o, [k || 'extra']: v })) },
    { weight: 1, arbitrary: hostileValue },
  );
}

/** Query parameters as raw `k=v` pairs: mostly valid or absent, one or two hostile, repeated, or broken percent-encoding. */
export function hostileQuery(doc: OpenApiDoc, op: Operation, ids: Record<string, string>): fc.Arbitrary<string> {
  const params = (op.parameters ?? []).filter((p) => p.in === 'query');
  const names = params.map((p) => p.name);
  const hostile = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: hostileFor(doc, params.find((p) => p.name === name)?.schema ?? {}).map((v) => [pair(name, v)]) },
      { weight: 1, arbitrary: fc.tuple(hostileValue, hostileValue).map(([a, b]) => [pair(name, a), pair(name, b)]) },
      { weight: 1, arbitrary: fc.constantFrom('%00', '%ff', '%E0%A4%A', '%', '%%32', '%u0000').map((raw) => [`${name}=${raw}`]) },
    );
  return fc
    .record({
      present: fc.subarray(names),
      replaced: fc
        .subarray(names, { maxLength: Math.min(2, names.length) })
        .chain((r) => fc.tuple(fc.constant(r), fc.tuple(...r.map(hostile)))),
    })
    .map(({ present, replaced: [replaced, hostileParts] }) => {
      const parts = params
        .filter((p) => present.includes(p.name) && !replaced.includes(p.name))
        .map((p) => pair(p.name, validValue(doc, p.name, p.schema ?? {}, ids)));
      return [...parts, ...hostileParts.flat()].join('&');
    });
}

function pair(name: string, value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  // URLSearchParams never throws on unpaired surrogates (it sends U+FFFD).
  return new URLSearchParams([[name, text]]).toString();
}

/** A path parameter: the real id, a random one, or garbage. */
export function hostilePathValue(real: string | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(real ?? someUuid()) },
    { weight: 1, arbitrary: fc.constant(null).map(someUuid) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom('not-a-uuid', '%00', '..%2F..%2Fetc', 'a'.repeat(300), '99999999999999999999', '-1', '0', '%ff', '%E2%80%AE', 'null')
        .map((s) => s),
    },
  );
}

/** A valid value of an rlm_rest attribute. */
function validAttribute(name: string, rule: AttributeRule, fixture: Record<string, string>): unknown {
  if (fixture[name] !== undefined) return fixture[name];
  switch (rule.type) {
    case 'enum':
      return rule.values[unique() % rule.values.length];
    case 'integer':
      return unique() % 1000;
    case 'ipaddr':
      return '10.99.0.9';
    case 'ipv6prefix':
      return '2001:db8:99::/56';
    case 'ipv6addr':
      return '2001:db8:99::9';
    case 'time':
      return Math.floor(Date.now() / 1000);
    default:
      return `fz-${unique()}`;
  }
}

/** Hostile values aimed at each attribute type's range. */
function hostileAttribute(rule: AttributeRule): fc.Arbitrary<unknown> {
  const byType: Record<AttributeRule['type'], unknown[]> = {
    text: ['x\u0000', 'a\ud800', 'n'.repeat(300), 'eve\t', '\u212aim', ''],
    secret: ['p'.repeat(300), '\u0000', 'a\ud800'],
    integer: [-1, 1.5, 2 ** 31, 2 ** 32, 4294967295, 2 ** 53, 2 ** 63, 2 ** 64, 1e19, 1e21, 'abc', true, '007', null],
    ipaddr: ['fe80::1%eth0', '999.1.1.1', 'x', '1.2.3.4/24', ''],
    ipv6prefix: ['2001:db8::/129', '2001:db8::', '10.0.0.0/8', 'fe80::%eth0/64', '2001:db8::/64/1', ''],
    ipv6addr: ['fe80::1%eth0', '10.0.0.1', '2001:db8::/64', 'x', ''],
    time: [-1, 1e300, 'Feb 30 2026', 2 ** 53, 'x\u0000'],
    enum: ['Reboot', '0', '99', 'start', ''],
  };
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...byType[rule.type]) }, { weight: 2, arbitrary: hostileValue });
}

/**
 * An rlm_rest body: the flat data-template form or rlm_rest's `body = json` form, each
 * attribute valid, hostile, absent or repeated; sometimes not an object at all.
 */
export function hostileRadiusBody(schema: AttributeSchema, fixture: Record<string, string>): fc.Arbitrary<string> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, rule] of Object.entries(schema)) {
    fields[name] = fc.oneof(
      { weight: 4, arbitrary: fc.constant(null).map(() => validAttribute(name, rule, fixture)) },
      { weight: 3, arbitrary: hostileAttribute(rule) },
      { weight: 2, arbitrary: fc.constant(ABSENT) },
    );
  }
  const attrs = fc.record(fields).map((r) => Object.entries(r).filter(([, v]) => v !== ABSENT));
  const flat = attrs.map((entries) => JSON.stringify(Object.fromEntries(entries)));
  const nested = fc
    .tuple(attrs, fc.boolean())
    .map(([entries, twice]) =>
      JSON.stringify(
        Object.fromEntries(
          entries.map(([k, v]) => [k, { type: typeof v === 'number' ? 'integer' : 'string', value: twice ? [v, v] : [v] }]),
        ),
      ),
    );
  const broken = fc.constantFrom('{', '[1,2]', '"text"', '42', 'null', '{"User-Name":{"value":{"deep":[1]}}}', '{"\\u0000":"x"}', '');
  return fc.oneof({ weight: 6, arbitrary: flat }, { weight: 3, arbitrary: nested }, { weight: 1, arbitrary: broken });
}

/** rlm_rest query parameters: the NAS address and post-auth's result and reason. */
export function hostileRadiusQuery(nasIp: string): fc.Arbitrary<string> {
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constant(nasIp) },
    { weight: 1, arbitrary: fc.constant('127.9.9.9') },
    { weight: 3, arbitrary: hostileValue },
  );
  return fc
    .record({
      nas: value,
      ip: value,
      result: fc.oneof(fc.constantFrom('accept', 'reject'), hostileValue),
      reason: fc.oneof(fc.constantFrom('ok', 'bad_password', 'restricted:quota'), hostileValue),
    })
    .map((q) =>
      Object.entries(q)
        .map(([k, v]) => pair(k, v))
        .join('&'),
    );
}
