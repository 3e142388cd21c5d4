// Bad requests generated from the OpenAPI document the BFF serves (not from our own source), so the fuzz
// follows whatever the document lists: every operation, its path, query and header parameters and its
// request body schema. Each generated request is a write that must be refused (its body is made invalid
// on purpose: a required field dropped, an unknown field added where the schema forbids extras, a value of
// the wrong type) or a read; on top come hostile transports: wrong content types, invalid UTF-8, bodies
// declared gzip/deflate/br that are not, unknown encodings, odd methods, every letter case of the path.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema };

export type Operation = {
  method: string;
  /** The document's path template, e.g. `/api/v1/applications/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The request body's media type and schema, when the operation takes one. */
  body?: { type: string; schema: JsonSchema };
};

export type OpenApiDocument = {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of the document, with path-level and operation-level parameters merged. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as Parameter[] | undefined) ?? [];
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const op = raw as { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } };
      const own = op.parameters ?? [];
      const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own].map((p) =>
        resolve(doc, p as never),
      ) as Parameter[];
      const content = op.requestBody?.content ?? {};
      const type = Object.keys(content)[0];
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters,
        body: type ? { type, schema: resolve(doc, content[type].schema ?? {}) } : undefined,
      });
    }
  }
  return ops;
}

/** Follows `$ref`s to components of the same document (one level; nested ones are followed as they are met). */
export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; s?.$ref && i < 20; i++) {
    const m = /^#\/components\/(\w+)\/(.+)$/.exec(s.$ref);
    const section = m ? (doc.components as Record<string, Record<string, JsonSchema>> | undefined)?.[m[1]] : undefined;
    const target = m && section?.[decodeURIComponent(m[2])];
    if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Values: roughly valid ones from a schema (the base the mutations then break), and hostile ones.

/** Strings that have broken other servers: operators, prototype keys, scripts, escapes, control characters. */
const NASTY_STRINGS = [
  '',
  ' ',
  '$where',
  '$gt',
  '__proto__',
  'constructor',
  'prototype',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '<script>alert(1)</script>',
  "'; DROP TABLE applications;--",
  '{"$ne":null}',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '9'.repeat(400),
  '𠮷'.repeat(50),
  'ا\u202Eb',
];

const hugeString = fc.constantFrom(10_000, 70_000, 200_000).map((n) => 'x'.repeat(n));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);

/** Objects that become operators or prototype pollution if a server trusts them. */
export const operatorObject: fc.Arbitrary<unknown> = fc.constantFrom(
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000) || true' },
  { $regex: '.*' },
  { $in: [] },
  { $expr: { $eq: [1, 1] } },
  JSON.parse('{"__proto__":{"role":"operator","isAdmin":true}}'),
  { constructor: { prototype: { role: 'operator' } } },
  JSON.parse('{"__proto__":null}'),
);

/** Any JSON value, hostile ones often. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  operatorObject,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

/** A value that the schema (roughly) accepts; refinements the document cannot express may still refuse it. */
export function validValue(doc: OpenApiDocument, raw: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => validValue(doc, b, depth + 1)));
  if (schema.allOf?.length) return validValue(doc, schema.allOf[0], depth + 1);
  const type = typesOf(schema)[0];
  switch (type) {
    case 'string': {
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, schema.maxLength ?? 200));
        } catch {
          // a pattern JavaScript cannot compile: any string will do as a base
        }
      }
      const min = schema.minLength ?? 0;
      return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(schema.maxLength ?? 20, 20)) });
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth > 6) return fc.constant([]);
      const min = schema.minItems ?? 0;
      return fc.array(validValue(doc, schema.items ?? {}, depth + 1), {
        minLength: min,
        maxLength: Math.max(min, Math.min(schema.maxItems ?? 3, 3)),
      });
    }
    case 'object': {
      if (depth > 6) return fc.constant({});
      const props = schema.properties ?? {};
      const required = schema.required ?? [];
      const shape = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(doc, v, depth + 1)]));
      return fc.record(shape, { requiredKeys: required.filter((k) => k in props) }) as fc.Arbitrary<unknown>;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value of another JSON type than every type the schema allows (an object for a string, and so on). */
function wrongTypeFor(schema: JsonSchema): fc.Arbitrary<unknown> | undefined {
  const types = typesOf(schema);
  if (!types.length || schema.enum || schema.const !== undefined) return undefined;
  const pool: fc.Arbitrary<unknown>[] = [];
  const allows = (t: string) => types.includes(t) || (t === 'number' && types.includes('integer'));
  // Objects and arrays are never coerced into strings, numbers or booleans by a sane schema.
  if (!allows('object')) pool.push(operatorObject, fc.constant({}));
  if (!allows('array')) pool.push(fc.array(nastyString, { minLength: 1, maxLength: 3 }));
  if (!allows('string') && !allows('number') && !allows('boolean')) pool.push(nastyString);
  return pool.length ? fc.oneof(...pool) : undefined;
}

type Site = { path: (string | number)[]; schema: JsonSchema; value: unknown; present: boolean; parentRequired: boolean };

/** Every place in `value` (generated from `schema`) where a mutation is sure to make it invalid. */
function sitesOf(doc: OpenApiDocument, raw: JsonSchema, value: unknown, path: (string | number)[] = []): Site[] {
  const schema = resolve(doc, raw);
  const branches = schema.oneOf ?? schema.anyOf;
  // Inside a union the branch a value came from is not recorded: mutate only the union as a whole.
  const out: Site[] = [{ path, schema, value, present: true, parentRequired: true }];
  if (branches || schema.allOf) return out;
  if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    for (const [k, sub] of Object.entries(schema.properties)) {
      if (Object.hasOwn(value, k)) {
        const child = sitesOf(doc, sub, (value as Record<string, unknown>)[k], [...path, k]);
        child[0].parentRequired = (schema.required ?? []).includes(k);
        out.push(...child);
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    value.forEach((v, i) => out.push(...sitesOf(doc, schema.items!, v, [...path, i])));
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], replace: (old: unknown) => unknown): unknown {
  if (!path.length) return replace(root);
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  copy[head] = setAt(copy[head], rest, replace);
  return copy;
}

/** A key the schema's object forbids (it has `additionalProperties: false`): prototype keys and operators first. */
const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '$gt', '$set', 'role', 'ownerId', '_id', 'toString'),
  fc.string({ minLength: 1, maxLength: 12 }),
);

function addKey(target: unknown, key: string, value: unknown): unknown {
  // JSON.parse makes "__proto__" an own key (an object literal would set the prototype instead).
  const extra = JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`) as object;
  const out = JSON.parse(JSON.stringify(target)) as Record<string, unknown>;
  for (const k of Object.keys(extra)) Object.defineProperty(out, k, { value: (extra as never)[k], enumerable: true });
  return out;
}

/**
 * A body the schema refuses for certain: a valid base with one or more of: a required field dropped, an
 * unknown field added where extras are forbidden, a field (or the whole body) of the wrong type.
 */
export function invalidValue(doc: OpenApiDocument, schema: JsonSchema): fc.Arbitrary<{ value: unknown; how: string }> {
  const wholeWrong = fc.oneof(
    fc.constantFrom<unknown>(null, [], 'x', 0, true, [{}]),
    fc.array(anyValue, { minLength: 1, maxLength: 3 }),
    nastyString,
  );
  return validValue(doc, schema).chain((base) => {
    const sites = sitesOf(doc, schema, base);
    const options: fc.Arbitrary<{ value: unknown; how: string }>[] = [
      wholeWrong.map((value) => ({ value, how: 'body of the wrong type' })),
    ];
    for (const site of sites) {
      const where = site.path.join('.') || '(body)';
      if (site.path.length && site.parentRequired && typeof site.path[site.path.length - 1] === 'string') {
        const parent = site.path.slice(0, -1);
        const key = site.path[site.path.length - 1] as string;
        options.push(
          fc.constant({
            value: setAt(base, parent, (o) => {
              const copy = { ...(o as object) } as Record<string, unknown>;
              delete copy[key];
              return copy;
            }),
            how: `required ${where} missing`,
          }),
        );
      }
      const wrong = wrongTypeFor(site.schema);
      if (wrong) options.push(wrong.map((v) => ({ value: setAt(base, site.path, () => v), how: `${where} of the wrong type` })));
      if (
        site.schema.additionalProperties === false &&
        site.value &&
        typeof site.value === 'object' &&
        !Array.isArray(site.value)
      ) {
        const known = Object.keys(site.schema.properties ?? {});
        options.push(
          fc
            .tuple(
              extraKey.filter((k) => !known.includes(k)),
              anyValue,
            )
            .map(([k, v]) => ({ value: setAt(base, site.path, (o) => addKey(o, k, v)), how: `unknown field ${where}.${k}` })),
        );
      }
    }
    return fc.oneof(...options);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Requests.

export type Role = 'parent' | 'department' | 'operator';
export type GeneratedRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was done to it, for the failure report. */
  how: string[];
};

/** Methods no route has (WebDAV and friends, all of which node's HTTP parser accepts), and the usual ones. */
export const ODD_METHODS = [
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'PURGE',
  'REPORT',
  'TRACE',
  'LINK',
  'UNLINK',
];
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isSafeMethod = (m: string) => SAFE.has(m);

/** The path with letter case chosen per letter by `mask` bits (bit i set: letter i upper-cased). */
export function caseVariant(path: string, mask: number[]): string {
  let i = 0;
  return path.replace(/[a-z]/gi, (ch) => {
    const upper = (mask[Math.floor(i / 31) % mask.length] >>> (i++ % 31)) & 1;
    return upper ? ch.toUpperCase() : ch.toLowerCase();
  });
}

/** Percent-encodes any string, lone surrogates too (encodeURIComponent throws on them). */
export function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

const pathValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.uuid().map((u) => encodeURIComponent(u)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 }) },
  { weight: 3, arbitrary: nastyString.map((s) => pct(s.slice(0, 3000)) || 'x') },
  { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%FF', '%C3%28', '%', '%%', '..', '.', '%2e%2e%2f', '%00') },
  { weight: 1, arbitrary: operatorObject.map((o) => pct(JSON.stringify(o) ?? 'x')) },
  { weight: 1, arbitrary: fc.constantFrom('birth_certificate', 'hukou_registration', 'mother', 'father', 'x.birth_certificate') },
);

const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('dead', 'pending', 'dispatched', 'true', 'false', '50', '0', '-1', '1e9', 'NaN', '2026-01-01', 'hospital'),
  nastyString.map((s) => s.slice(0, 2000)),
);

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates, truncated sequences. */
const INVALID_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
];

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=x-unknown',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=zz',
  'application/xml',
  'application/problem+json',
  'application/merge-patch+json',
  '*/*',
  'application/json, text/plain',
);

/** How a body travels: as is, with invalid UTF-8, gzip garbage, a real gzip of it, an unknown encoding… */
const transport = fc.record({
  contentType: fc.option(contentTypes, { nil: undefined, freq: 2 }),
  encoding: fc.constantFrom(
    'none',
    'none',
    'none',
    'gzip-garbage',
    'deflate-garbage',
    'br-garbage',
    'gzip-real',
    'unknown',
    'gzip-twice-declared',
  ),
  utf8: fc.constantFrom('ok', 'ok', 'ok', 'invalid', 'bom', 'truncated'),
  invalidBytes: fc.constantFrom(...INVALID_UTF8),
  at: fc.nat(),
  garbage: fc.uint8Array({ minLength: 0, maxLength: 64 }),
});

type Transport = typeof transport extends fc.Arbitrary<infer T> ? T : never;

function encodeBody(json: string, t: Transport, how: string[], headers: Record<string, string>): Buffer {
  let bytes = Buffer.from(json, 'utf8');
  if (t.utf8 === 'invalid') {
    const at = bytes.length ? t.at % bytes.length : 0;
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(t.invalidBytes), bytes.subarray(at)]);
    how.push(`invalid UTF-8 ${Buffer.from(t.invalidBytes).toString('hex')} at ${at}`);
  } else if (t.utf8 === 'bom') {
    bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    how.push('BOM');
  } else if (t.utf8 === 'truncated' && bytes.length > 1) {
    bytes = bytes.subarray(0, t.at % bytes.length);
    how.push('truncated');
  }
  switch (t.encoding) {
    case 'gzip-garbage':
      headers['content-encoding'] = 'gzip';
      return Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(t.garbage)]);
    case 'deflate-garbage':
      headers['content-encoding'] = 'deflate';
      return Buffer.concat([Buffer.from([0x78, 0x9c]), Buffer.from(t.garbage)]);
    case 'br-garbage':
      headers['content-encoding'] = 'br';
      return Buffer.from(t.garbage.length ? t.garbage : [0xff, 0xff]);
    case 'gzip-real':
      headers['content-encoding'] = 'gzip';
      return gzipSync(bytes);
    case 'unknown':
      headers['content-encoding'] = 'x-snappy-framed';
      return bytes;
    case 'gzip-twice-declared':
      headers['content-encoding'] = 'gzip, gzip';
      return gzipSync(bytes);
    default:
      return bytes;
  }
}

export type Credentials = Record<Role, string>;

/** What goes in Authorization: nothing, a valid token of each role, or something that only looks like one. */
function authorization(tokens: Credentials, likely: Role): fc.Arbitrary<{ header?: string; who: string }> {
  const alg = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
  const claims = Buffer.from('{"sub":"x","role":"operator","exp":9999999999}').toString('base64url');
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ who: 'nobody' }) },
    // Mostly the role the path is for, so most requests get past the gates to the validation behind them.
    { weight: 5, arbitrary: fc.constant({ header: `Bearer ${tokens[likely]}`, who: likely }) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom<Role>('parent', 'department', 'operator')
        .map((r) => ({ header: `Bearer ${tokens[r]}`, who: r })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { header: `Bearer ${alg}.${claims}.`, who: 'alg-none' },
        { header: `Bearer ${tokens.parent.slice(0, -4)}AAAA`, who: 'bad-signature' },
        { header: `bearer ${tokens.operator}`, who: 'lower-case scheme' },
        { header: `Basic ${Buffer.from('admin:admin').toString('base64')}`, who: 'basic' },
        { header: 'Bearer ', who: 'empty' },
        { header: `Bearer ${'a'.repeat(6000)}`, who: 'huge' },
        { header: `Bearer ${tokens.department} ${tokens.operator}`, who: 'two tokens' },
      ),
    },
  );
}

/** The role a path is probably for (only a weight for the generator; the BFF's guards decide). */
const roleFor = (path: string): Role =>
  path.startsWith('/api/v1/dept/') ? 'department' : path.startsWith('/api/v1/admin/') ? 'operator' : 'parent';

/**
 * One generated request for `op`. Writes (anything but GET/HEAD/OPTIONS) always carry a body the
 * document's schema refuses, or reach only ids that exist nowhere, so none of them may change data.
 */
export function requestFor(doc: OpenApiDocument, op: Operation, tokens: Credentials): fc.Arbitrary<GeneratedRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  return fc
    .record({
      params: fc.tuple(...pathParams.map(() => pathValue)),
      // Another method is an odd or a safe one: a write method would reach another operation of the path
      // with a body generated for this one, which that operation might legitimately accept.
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constant(op.method) },
        { weight: 2, arbitrary: fc.constantFrom(...ODD_METHODS, 'OPTIONS', 'HEAD', 'GET') },
      ),
      pathCase: fc.oneof(
        { weight: 4, arbitrary: fc.constant('as documented') },
        { weight: 1, arbitrary: fc.constantFrom('upper', 'lower', 'trailing slash', 'doubled slashes') },
        { weight: 3, arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }).map((m) => m) },
      ),
      query: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(...(queryParams.length ? queryParams.map((q) => q.name) : ['q'])),
            fc.constantFrom('$where', '__proto__', 'status[$ne]', 'constructor[prototype][x]'),
            fc.string({ maxLength: 8 }),
          ),
          queryValue,
        ),
        { maxLength: queryParams.length ? 4 : 1 },
      ),
      headerValues: fc.tuple(
        ...headerParams.map(() =>
          fc.option(
            fc.oneof(
              fc.stringMatching(/^[A-Za-z0-9_.:-]{8,40}$/),
              fc.constantFrom('', '*', 'W/"1"', '"1"', 'x'.repeat(300), '$where'),
            ),
            { nil: undefined },
          ),
        ),
      ),
      auth: authorization(tokens, roleFor(op.path)),
      body: op.body
        ? op.body.type.includes('json')
          ? invalidValue(doc, op.body.schema)
          : fc.constantFrom<{ value: unknown; how: string }>(
              { value: undefined, how: 'multipart without a file' },
              { value: { kind: 'id_card_front' }, how: 'JSON instead of multipart' },
            )
        : fc.option(
            anyValue.map((value) => ({ value, how: 'a body where none is expected' })),
            { nil: undefined, freq: 3 },
          ),
      transport,
      extraHeaders: fc.subarray([
        ['x-http-method-override', 'DELETE'],
        ['x-forwarded-for', '203.0.113.9, 10.0.0.1'],
        ['x-request-id', '../../etc/passwd'],
        ['accept', 'application/xml'],
        ['if-match', '*'],
      ] as const),
    })
    .map((g) => {
      const how: string[] = [];
      let path = op.path;
      pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, g.params[i])));
      if (Array.isArray(g.pathCase)) {
        path = caseVariant(path, g.pathCase);
        how.push('path in mixed case');
      } else if (g.pathCase === 'upper') path = path.toUpperCase();
      else if (g.pathCase === 'lower') path = path.toLowerCase();
      else if (g.pathCase === 'trailing slash') path = `${path}/`;
      else if (g.pathCase === 'doubled slashes') path = path.replace(/\//g, '//');
      if (typeof g.pathCase === 'string' && g.pathCase !== 'as documented') how.push(`path ${g.pathCase}`);
      if (g.query.length) path += `?${g.query.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')}`;
      const headers: Record<string, string> = {};
      headerParams.forEach((p, i) => {
        const v = g.headerValues[i];
        if (v !== undefined) headers[p.name.toLowerCase()] = v;
      });
      for (const [k, v] of g.extraHeaders) headers[k] = v;
      if (g.auth.header) headers.authorization = g.auth.header;
      how.push(`as ${g.auth.who}`);
      let body: Buffer | undefined;
      if (g.body && g.body.value !== undefined) {
        how.push(g.body.how);
        body = encodeBody(JSON.stringify(g.body.value) ?? 'null', g.transport, how, headers);
        headers['content-type'] = g.transport.contentType ?? op.body?.type ?? 'application/json';
        if (g.transport.encoding !== 'none') how.push(`content-encoding ${headers['content-encoding']}`);
      } else if (g.body) {
        how.push(g.body.how);
        body = Buffer.from('--zz\r\nContent-Disposition: form-data; name="kind"\r\n\r\nid_card_front\r\n--zz--\r\n');
        headers['content-type'] = g.transport.contentType ?? 'multipart/form-data; boundary=zz';
      }
      if (headers['content-type']) how.push(`content-type ${headers['content-type']}`);
      return { method: g.method, path, headers, body, how };
    });
}
