// Pure merging of configuration layers: maps merge deeply, anything else is replaced.

export type ConfigMap = Record<string, unknown>;

export function isPlainObject(v: unknown): v is ConfigMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `map[key]` for the map's own keys only: `constructor`, `__proto__` or `valueOf` never reach Object.prototype. */
export function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** A map without a prototype: assigning any key, `__proto__` included, only ever sets that key. */
export function emptyMap(): ConfigMap {
  return Object.create(null) as ConfigMap;
}

/** Merges layers left to right; the right-most value wins. Inputs are not modified. */
export function mergeLayers(...layers: ConfigMap[]): ConfigMap {
  return layers.reduce<ConfigMap>((acc, layer) => mergeTwo(acc, layer), {});
}

function mergeTwo(base: ConfigMap, over: ConfigMap): ConfigMap {
  const out = Object.assign(emptyMap(), base);
  for (const [key, value] of Object.entries(over)) {
    const under = own(base, key);
    out[key] = isPlainObject(value) && isPlainObject(under) ? mergeTwo(under, value) : value;
  }
  return out;
}

/** Sets `a.b.c` in a fresh nested map (for --set), creating maps along the way. */
export function setPath(target: ConfigMap, dottedPath: string, value: unknown): void {
  const keys = dottedPath.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(own(node, key))) node[key] = emptyMap();
    node = node[key] as ConfigMap;
  }
  node[keys[keys.length - 1]] = value;
}
