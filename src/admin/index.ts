import { adminApi } from './plugin.ts';
import { deliveriesAdmin } from './deliveries.ts';
import { routingAdmin } from './routing.ts';
import { casesAdmin } from './cases.ts';
import { patternAdminRoutes } from './patterns.ts';
import { notificationsAdmin } from '../notify/admin.ts';
import { subscriptionsAdmin } from '../events/admin.ts';
import { councilsAdmin } from './councils.ts';

/** The whole admin API, mounted at /admin/api: add an area with a file here and a line in this list. */
export const adminPlugin = adminApi([patternAdminRoutes, deliveriesAdmin, routingAdmin, casesAdmin, notificationsAdmin, subscriptionsAdmin, councilsAdmin]);
