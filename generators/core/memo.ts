/**
 * A small direct-mapped cache for pure per-world functions (member i, household h). Generation walks
 * indexes mostly in order, so a few thousand slots catch the reuse (a family's members, a claim's
 * providers) while memory stays small and short-lived: a cache never changes an answer.
 */
import type { World } from "./world.js";

interface Slots<T> {
  keys: Float64Array;
  values: (T | undefined)[];
}

export function cachedByIndex<T>(slots: number, compute: (world: World, index: number) => T): (world: World, index: number) => T {
  const mask = slots - 1;
  if ((slots & mask) !== 0) throw new RangeError("cache slots must be a power of two");
  const caches = new WeakMap<World, Slots<T>>();
  // the world of the previous call, whose slots are found without a WeakMap lookup
  let lastWorld: World | undefined;
  let last: Slots<T> | undefined;
  return (world, index) => {
    let cache = last;
    if (world !== lastWorld) {
      cache = caches.get(world);
      if (!cache) {
        cache = { keys: new Float64Array(slots).fill(-1), values: new Array<T | undefined>(slots) };
        caches.set(world, cache);
      }
      lastWorld = world;
      last = cache;
    }
    const c = cache as Slots<T>;
    const slot = index & mask;
    if (c.keys[slot] === index) return c.values[slot] as T;
    const value = compute(world, index);
    c.keys[slot] = index;
    c.values[slot] = value;
    return value;
  };
}
