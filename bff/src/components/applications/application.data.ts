import { ITEM_KEYS, maskIdNumber, maskPhone } from '@birth/shared';
import type { FieldCrypto } from '../../libraries/crypto';

// Which fields of the form are personal identifiers, sealed at rest and masked in every response.
const ID_PATHS = ['mother.idNumber', 'father.idNumber'];
const PHONE_PATHS = ['mother.phone', 'father.phone', ...ITEM_KEYS.map((k) => `delivery.${k}.phone`)];
const OTHER_SEALED = ['marriage.certificateNumber'];
const SEALED_PATHS = [...ID_PATHS, ...PHONE_PATHS, ...OTHER_SEALED];
/** Outputs that identify a person. */
export const SEALED_OUTPUTS = ['newbornIdNumber'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each path split once: mapPaths runs on every read of an application. */
const splitPaths = new Map<string, { parents: string[]; last: string }>();
const partsOf = (path: string) => {
  let parts = splitPaths.get(path);
  if (!parts) {
    const all = path.split('.');
    parts = { parents: all.slice(0, -1), last: all[all.length - 1] };
    splitPaths.set(path, parts);
  }
  return parts;
};

function mapPaths(data: Obj, paths: string[], fn: (value: string, path: string) => string): Obj {
  const copy: Obj = structuredClone(data);
  for (const path of paths) {
    const { parents, last } = partsOf(path);
    let node: unknown = copy;
    for (const part of parents) node = isObj(node) ? node[part] : undefined;
    if (isObj(node) && typeof node[last] === 'string') node[last] = fn(node[last] as string, path);
  }
  return copy;
}

export const sealData = (data: Obj, crypto: FieldCrypto): Obj => mapPaths(data, SEALED_PATHS, (v, p) => crypto.seal(v, p));
export const openData = (data: Obj, crypto: FieldCrypto): Obj => mapPaths(data, SEALED_PATHS, (v, p) => crypto.open(v, p));
/** The form opened with its identifiers masked (IDs and phones), in one copy: what a response shows of it. */
export const openMasked = (data: Obj, crypto: FieldCrypto): Obj =>
  mapPaths(data, SEALED_PATHS, (v, p) => {
    const opened = crypto.open(v, p);
    return ID_PATHS.includes(p) ? maskIdNumber(opened) : PHONE_PATHS.includes(p) ? maskPhone(opened) : opened;
  });

export const sealOutputs = (outputs: Record<string, string>, crypto: FieldCrypto) =>
  Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, SEALED_OUTPUTS.includes(k) ? crypto.seal(v, `outputs.${k}`) : v]),
  );
export const openOutputs = (outputs: Record<string, string> | undefined, crypto: FieldCrypto) =>
  Object.fromEntries(
    Object.entries(outputs ?? {}).map(([k, v]) => [k, SEALED_OUTPUTS.includes(k) ? crypto.open(v, `outputs.${k}`) : v]),
  );
export const maskOutputs = (opened: Record<string, string>) =>
  Object.fromEntries(Object.entries(opened).map(([k, v]) => [k, SEALED_OUTPUTS.includes(k) ? maskIdNumber(v) : v]));

/** Deep merge for draft PATCHes: objects merge, everything else (arrays included) replaces; null removes. */
export function mergePatch(base: Obj, patch: Obj): Obj {
  const out: Obj = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObj(v) && isObj(out[k])) out[k] = mergePatch(out[k] as Obj, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** A patch without its removals (`null`), i.e. only what it sets, for checking those values. */
export function withoutNulls(patch: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) continue;
    out[k] = isObj(v) ? withoutNulls(v) : v;
  }
  return out;
}

/** Picks the given dotted paths (whole sub-objects allowed) from an object. */
export function pick(data: Obj, paths: readonly string[]): Obj {
  const out: Obj = {};
  for (const path of paths) {
    const parts = path.split('.');
    let src: unknown = data;
    for (const part of parts) src = isObj(src) ? src[part] : undefined;
    if (src === undefined) continue;
    let dst = out;
    for (const part of parts.slice(0, -1)) dst = (dst[part] = isObj(dst[part]) ? dst[part] : {}) as Obj;
    dst[parts[parts.length - 1]] = structuredClone(src);
  }
  return out;
}
