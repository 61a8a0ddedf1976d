import * as z from 'zod';
import { type VideoRef, videoRef } from '#events/fields.ts';

/** The optional body of POST /jobs/{jobId}/applications: `{"via": {platform, videoId}}`. */
export const ApplyBody = z.object({ via: videoRef.nullish() });

export type ApplyRequestBody =
  | { readonly valid: true; readonly via?: VideoRef }
  | { readonly valid: false; readonly problem: string };

/** Parses without deciding: the contract answers a bad body (422) only after the job checks (404, 410). */
export const parseApplyBody = (raw: Buffer): ApplyRequestBody => {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { valid: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { valid: false, problem: 'the request body is not JSON' };
  }
  const parsed = ApplyBody.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${['body', ...issue.path.map(String)].join('.')}: ${issue.message}`,
    );
    return { valid: false, problem: issues.join('; ') };
  }
  return parsed.data.via ? { valid: true, via: parsed.data.via } : { valid: true };
};
