import type { StoredVersioned } from './link-stores.ts';

/** Compare-and-set rounds before giving up (the message is then retried by its queue). */
const MAX_ROUNDS = 8;

export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/**
 * One new version of a versioned entity (a profile and the accounts it lists, a job and the videos it lists)
 * and the stores it converges through.
 */
export interface VersionedChange<Entity extends { version: number }, Ref> {
  readonly describe: string;
  readonly incoming: Entity;
  /** What the incoming version lists. */
  readonly listed: readonly Ref[];
  readonly sameRef: (a: Ref, b: Ref) => boolean;
  readonly isFinal: (record: Entity) => boolean;
  read(): Promise<StoredVersioned<Entity, Ref> | undefined>;
  replaceIfUnchanged(
    expected: StoredVersioned<Entity, Ref> | undefined,
    everListed: readonly Ref[],
  ): Promise<boolean>;
  addEverListed(refs: readonly Ref[]): Promise<void>;
  /** Writes on each target what `record` says of it (listed or not), unless the target has seen newer. */
  project(targets: readonly Ref[], record: Entity): Promise<void>;
  /** Writes the entity's final state (deleted, closed) on each target. */
  finalize(targets: readonly Ref[]): Promise<void>;
}

/**
 * The entity's item is the serialization point: targets are written for everything any version listed, then
 * the item moves to the new version only if it is still the version read. A writer that loses to a newer
 * version aligns the targets only it touched with the winner; one that loses to the final state finalizes
 * them. So every target converges to the latest version, in any order, with any duplicates and crashes.
 */
export const convergeToLatest = async <Entity extends { version: number }, Ref>(
  change: VersionedChange<Entity, Ref>,
): Promise<void> => {
  const union = (a: readonly Ref[], b: readonly Ref[]): Ref[] =>
    [...a, ...b].filter((ref, index, all) => all.findIndex((other) => change.sameRef(other, ref)) === index);
  const { incoming } = change;

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stored = await change.read();
    if (stored && change.isFinal(stored.record)) {
      await change.finalize(union(stored.everListed, change.listed));
      return;
    }
    if (stored && stored.record.version > incoming.version) {
      // A redelivery of an older version whose first attempt may have written its list before it crashed, while
      // a newer version (unaware of that list) won: align what only this version listed with the winner.
      const onlyOurs = change.listed.filter(
        (ref) => !stored.everListed.some((other) => change.sameRef(other, ref)),
      );
      await change.addEverListed(onlyOurs);
      await change.project(onlyOurs, stored.record);
      return;
    }
    const everListed = union(stored?.everListed ?? [], change.listed);
    await change.project(everListed, incoming);
    if (stored?.record.version === incoming.version) return;
    if (await change.replaceIfUnchanged(stored, everListed)) return;

    const winner = await change.read();
    if (!winner) continue;
    if (change.isFinal(winner.record)) {
      await change.finalize(everListed);
      return;
    }
    if (winner.record.version > incoming.version) {
      const onlyOurs = everListed.filter(
        (ref) => !winner.everListed.some((other) => change.sameRef(other, ref)),
      );
      await change.addEverListed(onlyOurs);
      await change.project(onlyOurs, winner.record);
      return;
    }
  }
  throw new ConcurrentUpdateError(`${change.describe} kept changing; will retry`);
};
