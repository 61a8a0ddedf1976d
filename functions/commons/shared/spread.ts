/**
 * A stable, even spread of ids over `buckets` (FNV-1a, 32 bits): the same id always lands in the same bucket.
 * For spreading load (index partitions, delivery streams), never for anything an attacker must not steer.
 */
export const bucketOf = (id: string, buckets: number): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash % buckets;
};
