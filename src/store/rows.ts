import type { Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { Service } from '../core/services/service.ts';
import type { RequestUpdate, ServiceRequest } from '../core/requests/request.ts';
import type { Status, UpdateStatus } from '../core/statuses.ts';

// Converters between stored rows and domain objects: the only place that knows both shapes.

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function serviceFromRow(r: Selectable<Database['services']>): Service {
  return {
    jurisdictionId: r.jurisdiction_id,
    code: r.code,
    name: r.name,
    description: r.description,
    groups: JSON.parse(r.groups),
    keywords: JSON.parse(r.keywords),
    type: r.type as Service['type'],
    lgslCode: opt(r.lgsl_code),
    attributes: JSON.parse(r.attributes),
    active: r.active === 1,
    visibility: r.visibility as Service['visibility'],
    agencyResponsible: opt(r.agency_responsible),
    serviceNotice: opt(r.service_notice),
    ...(r.pattern_id && r.pattern_version ? { pattern: { id: r.pattern_id, version: r.pattern_version } } : {}),
    ...(r.status_labels ? { statusLabels: JSON.parse(r.status_labels) } : {}),
    ...(r.welsh ? { welsh: JSON.parse(r.welsh) } : {}),
  };
}

export function serviceToRow(s: Service, now: number): Selectable<Database['services']> {
  return {
    jurisdiction_id: s.jurisdictionId,
    code: s.code,
    name: s.name,
    description: s.description,
    groups: JSON.stringify(s.groups),
    keywords: JSON.stringify(s.keywords),
    type: s.type,
    lgsl_code: s.lgslCode ?? null,
    attributes: JSON.stringify(s.attributes),
    active: s.active ? 1 : 0,
    visibility: s.visibility,
    agency_responsible: s.agencyResponsible ?? null,
    service_notice: s.serviceNotice ?? null,
    updated_at: now,
    pattern_id: s.pattern?.id ?? null,
    pattern_version: s.pattern?.version ?? null,
    status_labels: s.statusLabels ? JSON.stringify(s.statusLabels) : null,
    welsh: s.welsh ? JSON.stringify(s.welsh) : null,
  };
}

export function requestFromRow(r: Selectable<Database['service_requests']>): ServiceRequest {
  return {
    id: String(r.id),
    jurisdictionId: r.jurisdiction_id,
    serviceCode: r.service_code,
    token: opt(r.token),
    status: r.status as Status,
    statusNotes: opt(r.status_notes),
    description: opt(r.description),
    attributes: JSON.parse(r.attributes),
    location: {
      lat: opt(r.lat),
      long: opt(r.long),
      address: opt(r.address),
      addressId: opt(r.address_id),
      zipcode: opt(r.zipcode),
      uprn: opt(r.uprn),
      easting: opt(r.easting),
      northing: opt(r.northing),
    },
    accountId: opt(r.account_id),
    deviceId: opt(r.device_id),
    mediaUrls: JSON.parse(r.media_urls),
    agencyResponsible: opt(r.agency_responsible),
    serviceNotice: opt(r.service_notice),
    source: r.source,
    requestedAt: new Date(r.requested_at),
    updatedAt: new Date(r.updated_at),
    expectedAt: r.expected_at === null ? undefined : new Date(r.expected_at),
    ...(r.pattern_id && r.pattern_version ? { pattern: { id: r.pattern_id, version: r.pattern_version } } : {}),
  };
}

export function updateFromRow(r: Selectable<Database['request_updates']>): RequestUpdate {
  return {
    id: String(r.id),
    requestId: String(r.request_id),
    jurisdictionId: r.jurisdiction_id,
    status: r.status as UpdateStatus,
    description: r.description,
    mediaUrls: JSON.parse(r.media_urls),
    externalStatusCode: opt(r.external_status_code),
    externalId: opt(r.external_id),
    authorKind: r.author_kind as RequestUpdate['authorKind'],
    contact: JSON.parse(r.contact),
    updatedAt: new Date(r.updated_at),
    ...(r.flag ? { flag: r.flag } : {}),
    ...(r.notify_resident ? { notifyResident: true } : {}),
    ...(r.internal ? { internal: true } : {}),
  };
}
