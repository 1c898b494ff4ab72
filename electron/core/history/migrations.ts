/**
 * Numbered schema migrations, applied in order, each in its own transaction.
 *
 * Never edit a migration that has shipped: add the next number instead. Versions need not be
 * contiguous: the store applies every migration it knows whose number the file has not recorded,
 * in order, so two lines of work may take numbers side by side and merge in any order.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'domains, audits, settings',
    sql: `
      CREATE TABLE domains (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audits (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        score INTEGER NOT NULL,
        grade TEXT NOT NULL,
        critical_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        resolver TEXT NOT NULL,
        result_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audits_by_domain ON audits(domain_id, started_at DESC);
      CREATE INDEX audits_by_time ON audits(started_at DESC);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'messages, raw messages, DKIM selectors seen',
    // The raw message lives in its own table so that listing and reading analyses never pages in
    // megabytes of blobs, and turning raw storage off leaves no empty column behind.
    sql: `
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        analysed_at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        subject TEXT,
        from_address TEXT,
        from_domain TEXT,
        spf TEXT NOT NULL,
        dkim TEXT NOT NULL,
        dmarc TEXT NOT NULL,
        critical_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        result_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX messages_by_time ON messages(analysed_at DESC);
      CREATE INDEX messages_by_domain ON messages(from_domain, analysed_at DESC);
      CREATE INDEX messages_by_digest ON messages(sha256);

      CREATE TABLE message_raw (
        message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        compression TEXT NOT NULL CHECK (compression IN ('br', 'gzip')),
        raw BLOB NOT NULL,
        original_size INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE dkim_selectors_seen (
        domain TEXT NOT NULL,
        selector TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (domain, selector)
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'SMTP profiles, seeds, secrets, sends, placement runs',
    // Profiles and seeds are stored as validated JSON keyed by name: they are read whole and never
    // queried by field. Secrets hold only what the secret store's cipher returned (the OS keychain's
    // ciphertext) and the backend that made it, so a change of keyring can be told apart from damage.
    //
    // A placement run is written as it happens: its row at the start, each seed's row at each detection
    // (one committed write each), the summary at the end. The per-seed columns exist for the trends
    // ("over time per seed", "per provider"); outcome_json keeps the whole outcome. owner_pid and
    // owner_token tell a run still going on elsewhere from one whose process died mid-way.
    // No CHECK on status or placement words: a new word must not need a table rebuild; the code
    // validates them.
    sql: `
      CREATE TABLE smtp_profiles (
        name TEXT PRIMARY KEY,
        profile_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE seeds (
        name TEXT PRIMARY KEY,
        seed_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE secrets (
        key TEXT PRIMARY KEY,
        ciphertext BLOB NOT NULL,
        backend TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sends (
        id INTEGER PRIMARY KEY,
        sent_at TEXT NOT NULL,
        profile TEXT NOT NULL,
        subject TEXT NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        message_id TEXT,
        queue_id TEXT,
        recipient_count INTEGER NOT NULL,
        accepted_count INTEGER NOT NULL,
        error_code TEXT,
        result_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sends_by_time ON sends(sent_at DESC);
      CREATE INDEX sends_by_profile ON sends(profile, sent_at DESC);

      CREATE TABLE placements (
        id INTEGER PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        profile TEXT NOT NULL,
        subject TEXT NOT NULL,
        status TEXT NOT NULL,
        deadline_ms INTEGER NOT NULL,
        owner_pid INTEGER NOT NULL,
        owner_token TEXT NOT NULL,
        send_json TEXT,
        summary_json TEXT,
        warnings_json TEXT NOT NULL,
        cleanup_json TEXT
      ) STRICT;
      CREATE INDEX placements_by_time ON placements(started_at DESC);

      CREATE TABLE placement_seeds (
        placement_id INTEGER NOT NULL REFERENCES placements(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        seed TEXT NOT NULL,
        provider TEXT NOT NULL,
        address TEXT NOT NULL,
        placement TEXT NOT NULL,
        state TEXT NOT NULL,
        folder TEXT,
        latency_ms INTEGER,
        detected_at TEXT,
        reconnects INTEGER NOT NULL,
        error_code TEXT,
        updated_at TEXT NOT NULL,
        outcome_json TEXT NOT NULL,
        PRIMARY KEY (placement_id, seed)
      ) STRICT;
      CREATE INDEX placement_seeds_by_seed ON placement_seeds(seed, placement_id);
      CREATE INDEX placement_seeds_by_provider ON placement_seeds(provider, placement_id);
    `,
  },
  {
    version: 4,
    name: 'DMARC aggregate and TLS reports, reverse DNS cache',
    // A report is identified by its organisation and report id (UNIQUE): importing it again adds
    // nothing. Each DMARC report row carries its own totals (messages, passes, dispositions), so a
    // summary over a time range reads one row per report, not one per record. Records keep every
    // field a drill-down shows; their auth results (DKIM d=, selector and result; SPF domain, scope
    // and result) are JSON arrays in the row: one insert per record, and always read together.
    //
    // dmarc_source_days is a rollup kept in the same transaction as the records: messages per domain,
    // day (of the report's begin, UTC), source address and auth signature (the DKIM and SPF domains
    // with their results, each signature stored once in dmarc_auth). Sources are classified from it:
    // over a million records it is some thousands of rows, where a GROUP BY over the records took
    // 700 ms. Records are indexed by domain and day only: an index by source address cost a fifth of
    // an import, and a drill-down reads one domain's days.
    //
    // begin_ts and end_ts are Unix seconds. reverse_dns caches PTR answers (and, for a short while,
    // failed lookups) so that a sources view does not ask the resolver again for every address.
    sql: `
      CREATE TABLE dmarc_reports (
        id INTEGER PRIMARY KEY,
        org TEXT NOT NULL,
        report_id TEXT NOT NULL,
        domain TEXT NOT NULL,
        begin_ts INTEGER NOT NULL,
        end_ts INTEGER NOT NULL,
        schema TEXT NOT NULL,
        email TEXT,
        extra_contact TEXT,
        policy_json TEXT NOT NULL,
        errors_json TEXT NOT NULL,
        record_count INTEGER NOT NULL,
        messages INTEGER NOT NULL,
        dmarc_pass INTEGER NOT NULL,
        spf_aligned_pass INTEGER NOT NULL,
        dkim_aligned_pass INTEGER NOT NULL,
        disposition_none INTEGER NOT NULL,
        disposition_quarantine INTEGER NOT NULL,
        disposition_reject INTEGER NOT NULL,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (org, report_id)
      ) STRICT;
      CREATE INDEX dmarc_reports_by_domain ON dmarc_reports(domain, begin_ts);
      CREATE INDEX dmarc_reports_by_import ON dmarc_reports(imported_at DESC);

      CREATE TABLE dmarc_records (
        id INTEGER PRIMARY KEY,
        report INTEGER NOT NULL REFERENCES dmarc_reports(id) ON DELETE CASCADE,
        domain TEXT NOT NULL,
        day INTEGER NOT NULL,
        source_ip TEXT NOT NULL,
        count INTEGER NOT NULL,
        disposition TEXT NOT NULL,
        dkim TEXT NOT NULL,
        spf TEXT NOT NULL,
        reasons_json TEXT,
        header_from TEXT NOT NULL,
        envelope_from TEXT,
        envelope_to TEXT,
        dkim_auth_json TEXT NOT NULL,
        spf_auth_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX dmarc_records_by_report ON dmarc_records(report);
      CREATE INDEX dmarc_records_by_day ON dmarc_records(domain, day);

      CREATE TABLE dmarc_auth (
        id INTEGER PRIMARY KEY,
        auth TEXT NOT NULL UNIQUE
      ) STRICT;

      CREATE TABLE dmarc_source_days (
        domain TEXT NOT NULL,
        day INTEGER NOT NULL,
        source_ip TEXT NOT NULL,
        auth INTEGER NOT NULL REFERENCES dmarc_auth(id),
        messages INTEGER NOT NULL,
        spf_pass INTEGER NOT NULL,
        dkim_pass INTEGER NOT NULL,
        both_pass INTEGER NOT NULL,
        overridden INTEGER NOT NULL,
        quarantine INTEGER NOT NULL,
        reject INTEGER NOT NULL,
        PRIMARY KEY (domain, day, source_ip, auth)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE tls_reports (
        id INTEGER PRIMARY KEY,
        org TEXT NOT NULL,
        report_id TEXT NOT NULL,
        contact TEXT,
        begin_ts INTEGER NOT NULL,
        end_ts INTEGER NOT NULL,
        domains TEXT NOT NULL,
        policy_count INTEGER NOT NULL,
        successes INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (org, report_id)
      ) STRICT;
      CREATE INDEX tls_reports_by_import ON tls_reports(imported_at DESC);

      CREATE TABLE tls_policies (
        id INTEGER PRIMARY KEY,
        report INTEGER NOT NULL REFERENCES tls_reports(id) ON DELETE CASCADE,
        policy_type TEXT NOT NULL,
        policy_domain TEXT,
        begin_ts INTEGER NOT NULL,
        policy_strings_json TEXT NOT NULL,
        mx_hosts_json TEXT NOT NULL,
        successes INTEGER NOT NULL,
        failures INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX tls_policies_by_report ON tls_policies(report);
      CREATE INDEX tls_policies_by_domain ON tls_policies(policy_domain, begin_ts);

      CREATE TABLE tls_failures (
        policy INTEGER NOT NULL REFERENCES tls_policies(id) ON DELETE CASCADE,
        result_type TEXT NOT NULL,
        sending_mta_ip TEXT,
        receiving_mx_hostname TEXT,
        receiving_mx_helo TEXT,
        receiving_ip TEXT,
        failed_sessions INTEGER NOT NULL,
        additional_information TEXT,
        failure_reason_code TEXT
      ) STRICT;
      CREATE INDEX tls_failures_by_policy ON tls_failures(policy);

      CREATE TABLE reverse_dns (
        ip TEXT PRIMARY KEY,
        names_json TEXT NOT NULL,
        error TEXT,
        checked_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'clients, watches, watch checks, alerts, alert outbox, leases',
    // A client groups domains and sending IPs (client_members); a watch checks one of them on a
    // schedule. Each pass of a watch is a watch_checks row: a domain's audit is stored as an audit
    // (audit_id), an IP's check as result_json. state_json on the watch is what the alert rules
    // compare the next pass with (records, selectors, listings, certificates, criticals, score).
    //
    // A check's audit, its watch_checks row, its alerts, their outbox rows and the watch's new state
    // are written in one transaction, and only while the scheduler still holds the watch's lease
    // (leases, taken in BEGIN IMMEDIATE): a scheduler killed mid-check leaves nothing behind, and the
    // one that checks the watch again raises each alert once. The outbox has no foreign key to the
    // alerts: a delivery waiting for a webhook outlives the watch it came from.
    //
    // The audit list reads newest first with the id breaking ties; the indexes of migration 1 lack
    // the id, so SQLite added a sort step for the ties. With the id in the index the order is the
    // index's own, for the whole list and for one domain's (npm run bench -- watch: 100,000 audits).
    sql: `
      CREATE TABLE clients (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE,
        notes TEXT NOT NULL,
        tags_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE client_members (
        client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        PRIMARY KEY (client_id, kind, target)
      ) STRICT;
      CREATE INDEX client_members_by_target ON client_members(target);

      CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        target TEXT NOT NULL UNIQUE,
        client_id INTEGER REFERENCES clients(id) ON DELETE SET NULL,
        schedule_json TEXT NOT NULL,
        options_json TEXT NOT NULL,
        muted_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        next_at TEXT NOT NULL,
        last_at TEXT,
        last_check_id INTEGER,
        state_json TEXT
      ) STRICT;
      CREATE INDEX watches_by_next ON watches(next_at);
      CREATE INDEX watches_by_client ON watches(client_id);

      CREATE TABLE watch_checks (
        id INTEGER PRIMARY KEY,
        watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        audit_id INTEGER REFERENCES audits(id) ON DELETE SET NULL,
        score INTEGER,
        grade TEXT,
        alert_count INTEGER NOT NULL,
        error TEXT,
        result_json TEXT
      ) STRICT;
      CREATE INDEX watch_checks_by_watch ON watch_checks(watch_id, started_at DESC);
      CREATE INDEX watch_checks_by_audit ON watch_checks(audit_id);

      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
        check_id INTEGER NOT NULL REFERENCES watch_checks(id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        target TEXT NOT NULL,
        subject TEXT NOT NULL,
        title TEXT NOT NULL,
        detail TEXT NOT NULL,
        before_text TEXT,
        after_text TEXT,
        evidence TEXT,
        fix TEXT,
        audit_id INTEGER REFERENCES audits(id) ON DELETE SET NULL,
        raised_at TEXT NOT NULL,
        acked_at TEXT,
        snoozed_until TEXT
      ) STRICT;
      CREATE INDEX alerts_by_time ON alerts(raised_at DESC, id DESC);
      CREATE INDEX alerts_unacked ON alerts(raised_at DESC, id DESC) WHERE acked_at IS NULL;
      CREATE INDEX alerts_by_watch ON alerts(watch_id, raised_at DESC);
      CREATE INDEX alerts_by_audit ON alerts(audit_id);
      CREATE INDEX alerts_by_check ON alerts(check_id);

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER,
        channel TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        delivered_at TEXT,
        failed_at TEXT
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox(channel, id) WHERE delivered_at IS NULL AND failed_at IS NULL;

      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;

      -- Sends and placement runs by the domain they were sent as: the envelope sender's, read from the
      -- MAIL FROM line of the transcript (new rows get it as they are written, sends.ts).
      ALTER TABLE sends ADD COLUMN sender_domain TEXT;
      ALTER TABLE placements ADD COLUMN sender_domain TEXT;
      UPDATE sends SET sender_domain = (
        SELECT lower(substr(addr, instr(addr, '@') + 1)) FROM (
          SELECT substr(line, instr(line, '<') + 1, instr(line, '>') - instr(line, '<') - 1) AS addr
          FROM (SELECT json_extract(t.value, '$.text') AS line FROM json_each(sends.result_json, '$.transcript') t WHERE json_extract(t.value, '$.dir') = 'C')
          WHERE upper(line) LIKE 'MAIL FROM:%' AND instr(line, '>') > instr(line, '<') LIMIT 1
        ) WHERE instr(addr, '@') > 0
      );
      UPDATE placements SET sender_domain = (
        SELECT lower(substr(addr, instr(addr, '@') + 1)) FROM (
          SELECT substr(line, instr(line, '<') + 1, instr(line, '>') - instr(line, '<') - 1) AS addr
          FROM (SELECT json_extract(t.value, '$.text') AS line FROM json_each(placements.send_json, '$.transcript') t WHERE json_extract(t.value, '$.dir') = 'C')
          WHERE upper(line) LIKE 'MAIL FROM:%' AND instr(line, '>') > instr(line, '<') LIMIT 1
        ) WHERE instr(addr, '@') > 0
      ) WHERE send_json IS NOT NULL;

      DROP INDEX audits_by_domain;
      DROP INDEX audits_by_time;
      CREATE INDEX audits_by_time ON audits(started_at DESC, id DESC);
      CREATE INDEX audits_by_domain ON audits(domain_id, started_at DESC, id DESC);
    `,
  },
  {
    version: 6,
    name: 'design QA summary with sends and placement runs',
    // The last design QA of the HTML sent (core/qa/types.ts QaSummary: counts by severity and the
    // codes), as JSON: read whole with its send, never queried by field. NULL for a send made
    // without one (from the command line, or HTML changed since its QA).
    sql: `
      ALTER TABLE sends ADD COLUMN qa_json TEXT;
      ALTER TABLE placements ADD COLUMN qa_json TEXT;
    `,
  },
  {
    version: 7,
    name: 'copies of placement runs analysed where they landed',
    // One analysis per seed of a run (analysing a copy again replaces it): the whole CopyAnalysis as
    // JSON, read whole, and the few columns a run's list of copies shows. It goes with its seed's row.
    sql: `
      CREATE TABLE placement_copies (
        placement_id INTEGER NOT NULL,
        seed TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        folder TEXT NOT NULL,
        item_json TEXT NOT NULL,
        result_json TEXT NOT NULL,
        PRIMARY KEY (placement_id, seed),
        FOREIGN KEY (placement_id, seed) REFERENCES placement_seeds(placement_id, seed) ON DELETE CASCADE
      ) STRICT;
    `,
  },
  {
    version: 8,
    name: 'sending health: daily aggregates from ESP exports',
    // Counts, never raw events: one row per UTC day, sending domain, sending IP (or pool) and
    // recipient provider. '' stands for a domain or IP the export does not name. The files and the
    // event ids already imported make a second import of the same data add nothing; the recipient
    // domains' providers (by MX) are cached with the time they were looked up.
    sql: `
      CREATE TABLE health_days (
        day TEXT NOT NULL,
        domain TEXT NOT NULL,
        ip TEXT NOT NULL,
        provider TEXT NOT NULL,
        sent INTEGER NOT NULL,
        delivered INTEGER NOT NULL,
        hard_bounced INTEGER NOT NULL,
        soft_bounced INTEGER NOT NULL,
        unknown_users INTEGER NOT NULL,
        complaints INTEGER NOT NULL,
        opens INTEGER NOT NULL,
        clicks INTEGER NOT NULL,
        unsubscribes INTEGER NOT NULL,
        PRIMARY KEY (day, domain, ip, provider)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX health_days_by_domain ON health_days(domain, day);
      CREATE INDEX health_days_by_ip ON health_days(ip, day);

      CREATE TABLE health_files (
        digest TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        events INTEGER NOT NULL,
        imported_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE health_event_ids (
        id INTEGER PRIMARY KEY
      ) STRICT;

      CREATE TABLE health_mx (
        domain TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        checked_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'report mailboxes: how far each IMAP folder was imported',
    // One row per (account, folder): the account is the login and server (imap://user@host:port), so
    // the app's saved seed and a command-line account file for one mailbox share their progress.
    // uidvalidity is TEXT: RFC 3501 §2.3.1.1 makes it a 32-bit unsigned number, kept as its decimal.
    sql: `
      CREATE TABLE report_mailboxes (
        account TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity TEXT NOT NULL,
        last_uid INTEGER NOT NULL,
        last_run_at TEXT NOT NULL,
        PRIMARY KEY (account, folder)
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'warm-up plans',
    // A plan is kept as what made it (its days are computed again from these), with the IP or domain
    // it warms up; mix_json is NULL for the template file's default mix.
    sql: `
      CREATE TABLE warmup_plans (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('ip', 'domain')),
        target TEXT NOT NULL,
        template TEXT NOT NULL,
        start_date TEXT NOT NULL,
        daily INTEGER NOT NULL,
        start INTEGER NOT NULL,
        mix_json TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX warmup_plans_by_time ON warmup_plans(created_at DESC, id DESC);
    `,
  },
  {
    version: 14,
    name: 'sending health: the counts each CSV row added',
    // The aggregate exports (the generic CSV, Mailchimp's campaign reports) carry no event ids, and a
    // later export repeats earlier rows, some with new counts. Per row key (16 bytes of the SHA-256 of
    // its normalised key, import.ts), the counts it last added and the daily row they went to (the
    // provider as looked up then), so that the same row again adds nothing and a row with new counts
    // takes its old ones out of that daily row first. Files imported before this have no keys here.
    sql: `
      CREATE TABLE health_csv_rows (
        key BLOB PRIMARY KEY,
        day TEXT NOT NULL,
        domain TEXT NOT NULL,
        ip TEXT NOT NULL,
        provider TEXT NOT NULL,
        sent INTEGER NOT NULL,
        delivered INTEGER NOT NULL,
        hard_bounced INTEGER NOT NULL,
        soft_bounced INTEGER NOT NULL,
        unknown_users INTEGER NOT NULL,
        complaints INTEGER NOT NULL,
        opens INTEGER NOT NULL,
        clicks INTEGER NOT NULL,
        unsubscribes INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
];
