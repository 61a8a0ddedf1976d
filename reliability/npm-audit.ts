import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export type NpmAudit =
  | {
      readonly checked: true;
      readonly vulnerabilities: Readonly<Record<'info' | 'low' | 'moderate' | 'high' | 'critical', number>>;
    }
  | { readonly checked: false; readonly reason: string };

interface AuditJson {
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly message?: string;
  readonly error?: { readonly summary?: string };
}

/**
 * `npm audit --omit=dev --json`. npm exits non-zero when it finds something, so the JSON is read either way;
 * when the registry's audit endpoint cannot be reached or answers an error, the result says "not checked"
 * with the reason, never a pass.
 */
export const npmAudit = (projectDir = PROJECT_ROOT): Promise<NpmAudit> =>
  new Promise((resolve) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: projectDir, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout) => {
        let parsed: AuditJson | undefined;
        try {
          parsed = JSON.parse(stdout) as AuditJson;
        } catch {
          parsed = undefined;
        }
        const counts = parsed?.metadata?.vulnerabilities;
        if (counts) {
          resolve({
            checked: true,
            vulnerabilities: {
              info: counts.info ?? 0,
              low: counts.low ?? 0,
              moderate: counts.moderate ?? 0,
              high: counts.high ?? 0,
              critical: counts.critical ?? 0,
            },
          });
          return;
        }
        const reason =
          parsed?.message ??
          parsed?.error?.summary ??
          (error instanceof Error ? error.message : 'no audit report');
        resolve({ checked: false, reason: reason.split('\n')[0]!.slice(0, 200) });
      },
    );
  });
