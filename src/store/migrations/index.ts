import type { Migration } from 'kysely';
import * as m0001 from './0001_core.ts';
import * as m0002 from './0002_delivery.ts';
import * as m0003 from './0003_patterns.ts';
import * as m0004 from './0004_web_sessions.ts';
import * as m0005 from './0005_list_indexes.ts';
import * as m0006 from './0006_idempotency_keys.ts';
import * as m0007 from './0007_one_change_once.ts';
import * as m0008 from './0008_staff.ts';
import * as m0011 from './0011_notifications_events.ts';
import * as m0012 from './0012_directory.ts';
import * as m0013 from './0013_records.ts';
import * as m0014 from './0014_council_setup.ts';
import * as m0015 from './0015_service_welsh.ts';
import * as m0016 from './0016_backends_second_round.ts';
import * as m0017 from './0017_pattern_sharing.ts';
import * as m0018 from './0018_records_notify.ts';
import * as m0019 from './0019_staff_casework.ts';
import * as m0020 from './0020_resident_web.ts';
import * as m0021 from './0021_shared_between_processes.ts';
import * as m0022 from './0022_no_index_entries_for_nulls.ts';
import * as m0023 from './0023_pull_page_index.ts';
import * as m0024 from './0024_erasure_comments.ts';
import * as m0025 from './0025_teams_and_reply_templates.ts';
import * as m0026 from './0026_request_joiners.ts';
import * as m0027 from './0027_backend_owners.ts';

/**
 * Every migration, in order. Names are frozen once released; add new files
 * with the next number and list them here.
 */
export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_delivery': m0002,
  '0003_patterns': m0003,
  '0004_web_sessions': m0004,
  '0005_list_indexes': m0005,
  '0006_idempotency_keys': m0006,
  '0007_one_change_once': m0007,
  '0008_staff': m0008,
  '0011_notifications_events': m0011,
  '0012_directory': m0012,
  '0013_records': m0013,
  '0014_council_setup': m0014,
  '0015_service_welsh': m0015,
  '0016_backends_second_round': m0016,
  '0017_pattern_sharing': m0017,
  '0018_records_notify': m0018,
  '0019_staff_casework': m0019,
  '0020_resident_web': m0020,
  '0021_shared_between_processes': m0021,
  '0022_no_index_entries_for_nulls': m0022,
  '0023_pull_page_index': m0023,
  '0024_erasure_comments': m0024,
  '0025_teams_and_reply_templates': m0025,
  '0026_request_joiners': m0026,
  '0027_backend_owners': m0027,
};
