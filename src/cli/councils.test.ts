import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { pipework as run } from '../../test/support/cli.ts';
import { openStore } from '../store/index.ts';

// `npx pipework councils` and `staff add` on an empty install, through the real binary.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
before(async () => {
  db = await freshDatabaseUrl();
  assert.equal((await run(['migrate'], { DATABASE_URL: db.url })).code, 0);
});
after(() => db.drop());
const pipework = (args: string[]) => run(args, { DATABASE_URL: db.url, SEED_DEMO: 'false' });

test('staff add works before any council: the role waits for the first council', async () => {
  const none = await pipework(['councils', 'list']);
  assert.equal(none.code, 0);
  assert.match(none.out, /No councils/);
  const added = await pipework(['staff', 'add', 'kim@westshire.gov.uk', '--name', 'Kim Lee', '--role', 'admin']);
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /there is no council yet, so once signed in they create it at http:\/\/localhost:3000\/staff\//);
  assert.match(added.out.trim().split('\n').at(-1)!, /^http:\/\/localhost:3000\/staff\/set-password\/\S+$/);
});

test('councils add, set and list; usage mistakes exit 64, refused values exit 1 and change nothing', async () => {
  const added = await pipework(['councils', 'add', 'westshire', '--name', 'Westshire Council', '--welsh-name', 'Cyngor Westshire', '--hosts', 'reports.westshire.gov.uk']);
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /Added council westshire "Westshire Council"/);
  const again = await pipework(['councils', 'add', 'westshire', '--name', 'Again']);
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists/);

  const set = await pipework(['councils', 'set', 'westshire', '--contact-email', 'streets@westshire.gov.uk', '--header-colour', '#0b0c0c', '--a11y-status', 'full', '--a11y-report-problem', 'Email access@westshire.gov.uk']);
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /Changed contactEmail, headerColour, a11yStatus, a11yReportProblem of council westshire/);

  const mistakes = await Promise.all([
    pipework(['councils', 'add', '--name', 'No id']),
    pipework(['councils', 'add', 'eastshire']),
    pipework(['councils', 'set', 'westshire']),
    pipework(['councils', 'set', 'westshire', '--colour', 'red']),
    pipework(['councils', 'rename']),
  ]);
  for (const m of mistakes) {
    assert.equal(m.code, 64, m.err);
    assert.match(m.err, /Usage:/);
  }
  const refused = await Promise.all([
    pipework(['councils', 'set', 'westshire', '--header-colour', '#ffdd00']),
    pipework(['councils', 'set', 'nowhere', '--name', 'X']),
    pipework(['councils', 'add', 'East Shire', '--name', 'X']),
  ]);
  assert.deepEqual(refused.map((r) => r.code), [1, 1, 1]);
  assert.match(refused[0].err, /contrast of 1\.\d\d to 1/);
  assert.match(refused[1].err, /No council "nowhere"/);
  assert.match(refused[2].err, /lower-case letters/);

  const list = await pipework(['councils', 'list']);
  assert.equal(list.out.trim(), 'westshire\tWestshire Council\tCyngor Westshire\treports.westshire.gov.uk');

  const store = await openStore(db.url, { migrate: false });
  try {
    const c = (await store.councils.get('westshire'))!;
    assert.equal(c.settings.headerColour, '#0b0c0c');
    // The admin added before any council is the first council's admin.
    assert.deepEqual((await store.staff.users.byEmail('kim@westshire.gov.uk'))!.roles, [{ jurisdictionId: 'westshire', role: 'admin' }]);
    const entries = await store.staff.audit.list({ jurisdictionId: 'westshire', actions: ['council.add', 'council.set'], limit: 10 });
    assert.deepEqual(entries.map((e) => [e.actor, e.action]), [['cli', 'council.set'], ['cli', 'council.add']]);
    assert.deepEqual(JSON.parse(entries[0].after!).contactEmail, 'streets@westshire.gov.uk');
  } finally {
    await store.close();
  }
});
