/**
 * Bounded memoisation of pure per-world functions (member i, household h). A cache never changes an
 * answer, only how often it is computed; it is dropped whole when full, which keeps memory bounded.
 */
import type { World } from "./world.js";

export function memoByIndex<T>(limit: number, compute: (world: World, index: number) => T): (world: World, index: number) => T {
  const caches = new WeakMap<World, Map<number, T>>();
  return (world, index) => {
    let cache = caches.get(world);
    if (!cache) {
      cache = new Map();
      caches.set(world, cache);
    }
    let value = cache.get(index);
    if (value === undefined) {
      value = compute(world, index);
      if (cache.size >= limit) cache.clear();
      cache.set(index, value);
    }
    return value;
  };
}
