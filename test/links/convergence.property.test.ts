import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definitionOf } from '#events/catalog.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { readLinks } from '#links/read-links.ts';
import { deliveryArbitrary, NOW, worldOf } from '../../reliability/history-arbitrary.ts';
import { linksFromHistory, videoIdentity } from '../../reliability/links-from-history.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const BASE_URL = 'http://127.0.0.1:3000';

describe('the link engine on a real DynamoDB protocol', () => {
  const dynamo = useDynalite();

  it(`converges to the rule of CONTRACT §3 for any order, duplicates and concurrency (${RUNS} histories)`, async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArbitrary(worldOf('w')), async ({ world, history, batches }) => {
        // A fresh table per execution, so shrinking replays a counterexample on a clean slate.
        const tableName = await dynamo.createTable('convergence');
        const publisher = new RecordingPublisher();
        const context = new LinkContext({
          stores: dynamoLinkStores(dynamo.documents, tableName),
          publisher,
          publicBaseUrl: BASE_URL,
          clock: () => NOW,
        });
        for (const batch of batches) {
          await Promise.all(batch.map((event) => applyLinkEvent(context, event.detailType, event.detail)));
        }
        const expected = linksFromHistory(history, NOW, BASE_URL);
        for (const video of world.videos) {
          const actual = await readLinks(context, video.platform, video.videoId);
          const wanted = expected.get(videoIdentity(video.platform, video.videoId)) ?? {
            portfolio: null,
            apply: null,
          };
          expect(actual, `${video.platform}/${video.videoId}`).toEqual(wanted);
        }
        // Everything announced on the way fits its own schema in the catalog.
        for (const event of publisher.events) {
          expect(
            definitionOf(event.detailType)?.schema.safeParse(event.detail).success,
            event.detailType,
          ).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  }, 1_800_000);
});
