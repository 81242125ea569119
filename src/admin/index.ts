import { adminApi } from './plugin.ts';
import { deliveriesAdmin } from './deliveries.ts';
import { routingAdmin } from './routing.ts';
import { casesAdmin } from './cases.ts';
import { patternAdminRoutes } from './patterns.ts';
import { patternSharingAdmin } from './pattern-sharing.ts';
import { notificationsAdmin } from '../notify/admin.ts';
import { subscriptionsAdmin } from '../events/admin.ts';
import { recordsAdmin } from '../records/admin.ts';
import { councilsAdmin } from './councils.ts';

/** The whole admin API, mounted at /admin/api: add an area with a file here and a line in this list. */
export const adminPlugin = adminApi([patternAdminRoutes, patternSharingAdmin, deliveriesAdmin, routingAdmin, casesAdmin, notificationsAdmin, subscriptionsAdmin, recordsAdmin, councilsAdmin]);
