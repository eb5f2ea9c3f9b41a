/**
 * The single table's key schema and indexes, defined once and used by the local bootstrap (dynalite)
 * and by the CDK data stack, so both runtimes always agree.
 *
 * Access patterns (every request path is a GetItem or a Query on a key or an index named here):
 * - admin by email ............... GetItem  pk=ADMIN#<email>          sk=ADMIN
 * - all admins ................... Query    gsi1 gsi1pk=ADMINS        (gsi1sk=email)
 * - owner count .................. GetItem  pk=META                   sk=OWNERS
 * - session by token hash ........ GetItem  pk=SESSION#<sha256>       sk=SESSION
 * - all sessions / by admin ...... Query    gsi1 gsi1pk=SESSIONS      gsi1sk begins_with <email>#
 * - setup token .................. GetItem  pk=SETUP                  sk=TOKEN
 * - 2FA login challenge .......... GetItem  pk=MFACHALLENGE#<sha256> sk=MFACHALLENGE
 * - login throttle buckets ....... GetItem  pk=THROTTLE#<kind>#<key>  sk=THROTTLE
 * - audit entries, newest first .. Query    gsi1 gsi1pk=AUDIT         gsi1sk BETWEEN <from> AND <to>
 * - settings ..................... GetItem  pk=SETTINGS               sk=GLOBAL
 * - PurelyMail cache ............. GetItem  pk=CACHE                  sk=USERS|DOMAINS|RULES|CREDIT  (one JSON string each)
 * - DNS health of a domain ....... GetItem  pk=DNSHEALTH#<domain>     sk=DNSHEALTH
 * - all tracked domains, by next recheck  Query gsi1 gsi1pk=DNSHEALTH  (gsi1sk=<nextCheckAt>#<domain>)
 * - DNS health settings .......... GetItem  pk=SETTINGS               sk=DNS_HEALTH
 * - notification send record ..... GetItem  pk=NOTIFY#<eventId>       sk=TO#<recipient>  (conditional put = sent once)
 * - notification outbox, due ..... Query    gsi1 gsi1pk=OUTBOX        gsi1sk <= <now>  (unsent records only)
 * - mail settings ................ GetItem  pk=SETTINGS               sk=MAIL
 * - credit level last notified ... GetItem  pk=NOTIFY_STATE           sk=CREDIT
 * - credit forecast alert state .. GetItem  pk=NOTIFY_STATE           sk=CREDIT_FORECAST
 * - credit readings, by day ...... Query    pk=CREDITHIST             sk >= <YYYY-MM-DD> (one per UTC day, TTL 90 days)
 * - pending action by target ..... GetItem  pk=PACTION#<kind>#<target> sk=SLOT (the state machine; one per target)
 * - pending action by id ......... GetItem  pk=PACTIONID#<id>         sk=ID   (→ kind, target)
 * - pending/executing actions .... Query    gsi1 gsi1pk=PENDING       gsi1sk <= <executeAt>#<id> (due ones)
 * - finished actions, newest ..... Query    gsi1 gsi1pk=PENDING#DONE  (gsi1sk=<finishedAt>#<id>)
 * - IMAP server profile .......... GetItem  pk=MIGSERVER#<id>         sk=SERVER
 * - all server profiles .......... Query    gsi1 gsi1pk=MIGSERVERS    (gsi1sk=<name>#<id>)
 * - migration job (sealed creds) . GetItem  pk=MIGJOB#<id>            sk=JOB   (activeRunId: the run holding it)
 * - all jobs, newest first ....... Query    gsi1 gsi1pk=MIGJOBS       (gsi1sk=<createdAt>#<id>)
 * - a job's "keep in sync" schedule GetItem pk=MIGJOB#<id>            sk=SYNC  (beside its job; conditional on version)
 * - active job sync schedules .... Query    gsi1 gsi1pk=JOBSYNCS      (gsi1sk=<jobId>; the local runtime re-arms them)
 * - migration run ................ GetItem  pk=MIGRUN#<id>            sk=RUN   (state transitions: conditional on state)
 * - runs of a job, newest first .. Query    gsi1 gsi1pk=MIGJOBRUNS#<jobId> (gsi1sk=<createdAt>#<runId>)
 * - concurrency slots ............ GetItem  pk=MIGSLOTS               sk=SLOTS (count + holders map, one conditional update per take/release)
 * - destination-mailbox lease .... GetItem  pk=MIGLEASE#<sha256 of host+user> sk=LEASE (holder, untilMs: conditional put/update/delete; never the TTL attribute)
 * - migration settings ........... GetItem  pk=SETTINGS               sk=MIGRATIONS
 * - batch (CSV import, campaign) . GetItem  pk=MIGBATCH#<id>          sk=BATCH (state open → finished: one conditional write per round)
 * - all batches, newest first .... Query    gsi1 gsi1pk=MIGBATCHES    (gsi1sk=<createdAt>#<id>)
 * - batch of a job ............... GetItem  pk=MIGBATCHJOB#<jobId>    sk=MEMBER
 * - jobs of a batch, in row order  Query    gsi1 gsi1pk=BATCH#<batchId> (gsi1sk=<row index>#<jobId>; jobs and runs then BatchGetItem)
 * - campaign ..................... GetItem  pk=CAMPAIGN#<id>          sk=CAMPAIGN (version-conditional; submissionCount by ADD)
 * - all campaigns, newest first .. Query    gsi1 gsi1pk=CAMPAIGNS     (gsi1sk=<createdAt>#<id>; also the purge sweep)
 * - campaign by link token ....... GetItem  pk=CAMPTOKEN#<sha256>     sk=TOKEN (→ campaignId; TTL long after expiry)
 * - submissions of a campaign .... Query    pk=CAMPAIGN#<id>          sk begins_with SUB# (one per source address, sealed creds)
 * - campaign form buckets ........ GetItem  pk=THROTTLE#campaign-{ip,ipview,token,addr,linkfail}#<hash|id> sk=THROTTLE
 * - campaign attempt counters .... GetItem  pk=CAMPAIGN#<id>          sk=ATTEMPTS (wrong passwords, browser checks; by ADD)
 * - campaign browser check ....... GetItem  pk=CAMPCHALLENGE#<id>     sk=CHALLENGE (taken by one conditional delete; validUntil checked in code)
 * - rule created in the panel .... GetItem  pk=RULEUNDO#<ruleId>     sk=RULEUNDO (creator, createdAt: the 15-minute undo, claimed by one conditional update)
 * - rules created recently ....... Query    gsi1 gsi1pk=RULEUNDO      gsi1sk >= <since> (gsi1sk=<createdAt>#<ruleId>)
 * - user's latest off-boarding ... GetItem  pk=OFFBOARD#<address>    sk=OFFBOARD (its steps; the scheduled deletion marks it deleted)
 * - off-boarding archive copies .. Query    gsi1 gsi1pk=OFFBOARD_ARCHIVING (item pk=OFFBOARD#<address> sk=ARCHIVING while the copy is not settled)
 * - user hand-over link .......... GetItem  pk=HANDOVER#<sha256 of token> sk=HANDOVER (sealed password; spent by one conditional update; TTL 14 days after expiry)
 * - domain move .................. GetItem  pk=MOVE#<domain>         sk=MOVE (stages, mailboxes, schedule: version-conditional)
 * - all domain moves, newest ..... Query    gsi1 gsi1pk=MOVES         (gsi1sk=<createdAt>#<domain>)
 * - DNS records a move replaced .. GetItem  pk=MOVE#<domain>         sk=DNSSAVED (for the rollback)
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;

export const GSI1 = 'gsi1';
