/**
 * Sets `key` in a Map that holds at most `max` entries: when a new key would pass the bound, the entry
 * inserted first is dropped. A caller that deletes a key before setting it again on every use gets
 * least-recently-used order instead (see runnable in services/flows/runtime.ts).
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}
