/** What happens after a commit is a list: each subscriber gets the batch, whatever another does. */
import { describe, expect, it } from 'vitest';
import type { Reading } from '../ingest/contracts/payloads.ts';
import { afterCommit } from '../ingest/pipeline/after-commit.ts';

const batch: Reading[] = [{ deviceId: 'R1', kind: 'room', ts: 1, values: { temp: 20 } }];

describe('after commit', () => {
  it('hands the batch to every subscriber in order; one that throws is reported and the rest still run', () => {
    const seen: string[] = [];
    const failures: [string, string][] = [];
    const run = afterCommit(
      [
        { name: 'metrics', onCommit: (r) => void seen.push(`metrics:${r.length}`) },
        {
          name: 'live',
          onCommit: () => {
            throw new Error('socket gone');
          },
        },
        { name: 'rules', onCommit: (r) => void seen.push(`rules:${r[0]!.deviceId}`) },
      ],
      (name, err) => failures.push([name, (err as Error).message]),
    );
    run(batch);
    expect(seen).toEqual(['metrics:1', 'rules:R1']);
    expect(failures).toEqual([['live', 'socket gone']]);
  });
});
