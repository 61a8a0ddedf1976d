import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { employerKey } from '#shared/item-keys.ts';
import { type Employer, newEmployer } from './employer.ts';
import type { EmployerStore } from './employer-store.ts';

export class DynamoEmployers extends DynamoTable implements EmployerStore {
  async get(employerId: string): Promise<Employer> {
    // Consistent: a key rotated a moment ago must already fail.
    const item = await this.getItem(employerKey(employerId));
    if (!item) return newEmployer(employerId);
    return {
      employerId,
      keyGeneration: Number(item.keyGeneration ?? 0),
      secretGeneration: Number(item.secretGeneration ?? 0),
      secretRotations: Array.isArray(item.secretRotations) ? item.secretRotations : [],
      revision: Number(item.revision ?? 0),
    };
  }

  async replace(next: Employer, expectedRevision: number): Promise<boolean> {
    const written = await unlessConditionFails(
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...employerKey(next.employerId), ...next },
          ...(expectedRevision === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'revision = :expected',
                ExpressionAttributeValues: { ':expected': expectedRevision },
              }),
        }),
      ),
    );
    return written !== undefined;
  }
}
