/**
 * `npm run bench:bulk-users`: a generated 1,000-row users CSV through the real local runtime over HTTP against
 * the PurelyMail sandbox (over its real HTTP API): preview (parse, check every row, judge the typed passwords),
 * then import (the same check, createUser per user, modifyUser where 2FA is asked, the cache write-through and one
 * audit entry per user). Prints each step's time and PurelyMail's calls per user.
 *
 * Baselines measured in the same run: the preview of the same file (validation only), and the floor — 1,000 bare
 * createUser calls straight to the sandbox with the same HTTP client, one after the other, nothing else.
 */
import type { UserImportPreview, UserImportResult } from '@app/shared';
import { PurelyMailHttpClient } from '../src/adapters/purelymail/purelymail-http-client.ts';
import { startTestRuntime } from '../test/support/test-runtime.ts';

const ROWS = Number(process.env.BULK_USERS_BENCH_ROWS ?? 1000);
// Every tenth row asks for 2FA (a second call) and every fourth types its own password (the strength judge runs).
const TWO_FA_EVERY = 10;
const TYPED_EVERY = 4;

const t = await startTestRuntime({ LOG_LEVEL: 'warn' });
try {
  const owner = await t.setupOwner();
  const sandbox = t.runtime.sandbox!;
  await owner.get('/api/users'); // the cache, as the users page fills it
  const lines = ['address,display_note,password,require_2fa,recovery_email'];
  for (let i = 0; i < ROWS; i++) lines.push(`bench${i}@oakridge.example,Bench user ${i},${i % TYPED_EVERY === 0 ? `Quartz-Lantern-${i}-Meadow` : ''},${i % TWO_FA_EVERY === 0 ? 'yes' : ''},`);
  const csv = `${lines.join('\r\n')}\r\n`;

  const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const start = performance.now();
    const out = await fn();
    return [out, performance.now() - start];
  };
  const [preview, previewMs] = await time(async () => (await (await owner.post('/api/users/import/preview', { csv })).json()) as UserImportPreview);
  if (!preview.ok) throw new Error(`preview not ok: ${JSON.stringify(preview.rows.find((r) => r.errors.length) ?? preview.fileErrors)}`);
  sandbox.clearRequests();
  const [result, importMs] = await time(async () => {
    const res = await owner.post('/api/users/import', { csv });
    if (res.status !== 201) throw new Error(`import failed: ${res.status} ${(await res.text()).slice(0, 500)}`);
    return (await res.json()) as UserImportResult;
  });
  const calls = sandbox.requests();
  const byOp = Object.entries(calls.reduce<Record<string, number>>((m, r) => ({ ...m, [r.op]: (m[r.op] ?? 0) + 1 }), {})).map(([op, n]) => `${op} ${n}`).join(', ');
  const created = result.created.length;
  if (created !== ROWS || result.credentials.length !== ROWS) throw new Error(`created ${created}, credentials ${result.credentials.length}, expected ${ROWS}`);

  // The floor: bare createUser calls, one after the other, with the same client over the same HTTP.
  const pm = new PurelyMailHttpClient({ baseUrl: sandbox.url, token: sandbox.token });
  const [, floorMs] = await time(async () => {
    for (let i = 0; i < ROWS; i++) await pm.createUser({ userName: `floor${i}`, domainName: 'pinecone.example', password: `Floor-Password-${i}-Xy`, sendWelcomeEmail: false });
  });

  const perUser = calls.length / created;
  console.log(`bulk users bench: ${ROWS} rows (${ROWS / TWO_FA_EVERY} with 2FA, ${ROWS / TYPED_EVERY} typed passwords), ${(csv.length / 1024).toFixed(0)} KB CSV`);
  console.log(`  preview (parse + check, validation only) ... ${previewMs.toFixed(0)} ms (${(previewMs / ROWS).toFixed(2)} ms/row)`);
  console.log(`  import (check + create + audit) ........... ${importMs.toFixed(0)} ms (${(importMs / ROWS).toFixed(2)} ms/user)`);
  console.log(`  floor: ${ROWS} bare createUser calls ....... ${floorMs.toFixed(0)} ms (${(floorMs / ROWS).toFixed(2)} ms/user)`);
  console.log(`  PurelyMail calls during the import ........ ${calls.length} (${byOp}) = ${perUser.toFixed(2)} per user (floor: 1.00; 2FA adds one modifyUser)`);
  console.log(`bulk-users-bench rows=${ROWS} import_ms=${importMs.toFixed(0)} preview_ms=${previewMs.toFixed(0)} floor_ms=${floorMs.toFixed(0)} ratio_to_floor=${(importMs / floorMs).toFixed(2)} calls_per_user=${perUser.toFixed(2)}`);
} finally {
  await t.close();
}
