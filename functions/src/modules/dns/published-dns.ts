import { DnsLookupError } from './dns-lookup-error.ts';
import { normalizeDnsName } from './dns-name.ts';
import type { DnsLookup, MxRecord } from './ports.ts';

export type LookupResult<T> = { ok: true; values: T[] } | { ok: false; error: DnsLookupError };

export interface PublishedDnsQueries {
  txt: string[];
  mx: string[];
  cname: string[];
}

/**
 * A snapshot of what is published at a fixed set of names, fetched concurrently once so every
 * diagnosis reads the same answers and the number of lookups per domain stays bounded.
 */
export class PublishedDns {
  private constructor(
    private readonly txtAnswers: ReadonlyMap<string, LookupResult<string>>,
    private readonly mxAnswers: ReadonlyMap<string, LookupResult<MxRecord>>,
    private readonly cnameAnswers: ReadonlyMap<string, LookupResult<string>>,
  ) {}

  static async fetch(lookup: DnsLookup, queries: PublishedDnsQueries): Promise<PublishedDns> {
    const [txt, mx, cname] = await Promise.all([
      fetchAll(queries.txt, 'TXT', (name) => lookup.txt(name)),
      fetchAll(queries.mx, 'MX', (name) => lookup.mx(name)),
      fetchAll(queries.cname, 'CNAME', (name) => lookup.cname(name)),
    ]);
    return new PublishedDns(txt, mx, cname);
  }

  txt(name: string): LookupResult<string> {
    return answerFor(this.txtAnswers, name, 'TXT');
  }

  mx(name: string): LookupResult<MxRecord> {
    return answerFor(this.mxAnswers, name, 'MX');
  }

  cname(name: string): LookupResult<string> {
    return answerFor(this.cnameAnswers, name, 'CNAME');
  }

  /** For the extra "where else might it be" lookups: a failure there only means we cannot say more. */
  txtOrNone(name: string): string[] {
    return valuesOrNone(this.txt(name));
  }

  mxOrNone(name: string): MxRecord[] {
    return valuesOrNone(this.mx(name));
  }

  cnameOrNone(name: string): string[] {
    return valuesOrNone(this.cname(name)).map(normalizeDnsName);
  }

  /** Every failed lookup, in query order, so the report can say that it is incomplete. */
  failures(): DnsLookupError[] {
    return [...this.txtAnswers.values(), ...this.mxAnswers.values(), ...this.cnameAnswers.values()].flatMap((r) =>
      r.ok ? [] : [r.error],
    );
  }
}

async function fetchAll<T>(
  names: string[],
  type: 'TXT' | 'MX' | 'CNAME',
  run: (name: string) => Promise<T[]>,
): Promise<Map<string, LookupResult<T>>> {
  const unique = [...new Set(names.map(normalizeDnsName))];
  const results = await Promise.all(
    unique.map(async (name): Promise<LookupResult<T>> => {
      try {
        return { ok: true, values: await run(name) };
      } catch (error) {
        const failure =
          error instanceof DnsLookupError ? error : new DnsLookupError(name, type, String(error), { cause: error });
        return { ok: false, error: failure };
      }
    }),
  );
  return new Map(unique.map((name, i) => [name, results[i] as LookupResult<T>]));
}

function answerFor<T>(answers: ReadonlyMap<string, LookupResult<T>>, name: string, type: string): LookupResult<T> {
  const answer = answers.get(normalizeDnsName(name));
  if (!answer) throw new Error(`${type} ${name} was not part of the queries`);
  return answer;
}

function valuesOrNone<T>(result: LookupResult<T>): T[] {
  return result.ok ? result.values : [];
}
