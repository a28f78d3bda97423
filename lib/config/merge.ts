// Pure merging of configuration layers: maps merge deeply, anything else is replaced.

export type ConfigMap = Record<string, unknown>;

export function isPlainObject(v: unknown): v is ConfigMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges layers left to right; the right-most value wins. Inputs are not modified. */
export function mergeLayers(...layers: ConfigMap[]): ConfigMap {
  return layers.reduce<ConfigMap>((acc, layer) => mergeTwo(acc, layer), {});
}

function mergeTwo(base: ConfigMap, over: ConfigMap): ConfigMap {
  const out: ConfigMap = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isPlainObject(value) && isPlainObject(base[key]) ? mergeTwo(base[key] as ConfigMap, value) : value;
  }
  return out;
}

/** Sets `a.b.c` in a fresh nested map (for --set), creating maps along the way. */
export function setPath(target: ConfigMap, dottedPath: string, value: unknown): void {
  const keys = dottedPath.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as ConfigMap;
  }
  node[keys[keys.length - 1]] = value;
}
