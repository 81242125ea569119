import type { Service } from '../core/services/service.ts';
import type { Status } from '../core/statuses.ts';

/** The council's own name for a status (from the service's pattern), else the Open311 code in words. */
export const statusLabeller = (service: Service | undefined) => (status: string) =>
  service?.statusLabels?.[status as Status] ?? status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
