import { DynamoTable } from '#shared/aws/dynamo.ts';
import type { EntityReader, JobRecord, ProfileRecord } from '#shared/entities.ts';
import { jobKey, profileKey } from '#shared/item-keys.ts';

/** Reads of single entities, strongly consistent (a viewer applying right after a publish must see it). */
export class DynamoEntityReader extends DynamoTable implements EntityReader {
  async job(jobId: string): Promise<JobRecord | undefined> {
    return (await this.getItem(jobKey(jobId))) as JobRecord | undefined;
  }

  async profile(profileId: string): Promise<ProfileRecord | undefined> {
    return (await this.getItem(profileKey(profileId))) as ProfileRecord | undefined;
  }
}
