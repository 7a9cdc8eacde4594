/**
 * A small direct-mapped cache for pure per-world functions (member i, household h). Generation walks
 * indexes mostly in order, so a few thousand slots catch the reuse (a family's members, a claim's
 * providers) while memory stays small and short-lived: a cache never changes an answer.
 */
import type { World } from "./world.js";

export function cachedByIndex<T>(slots: number, compute: (world: World, index: number) => T): (world: World, index: number) => T {
  const mask = slots - 1;
  if ((slots & mask) !== 0) throw new RangeError("cache slots must be a power of two");
  const caches = new WeakMap<World, { keys: Float64Array; values: (T | undefined)[] }>();
  return (world, index) => {
    let cache = caches.get(world);
    if (!cache) {
      cache = { keys: new Float64Array(slots).fill(-1), values: new Array<T | undefined>(slots) };
      caches.set(world, cache);
    }
    const slot = index & mask;
    if (cache.keys[slot] === index) return cache.values[slot] as T;
    const value = compute(world, index);
    cache.keys[slot] = index;
    cache.values[slot] = value;
    return value;
  };
}
