import type { RequestJob, UpdateJob } from './port.ts';

// The JSON shape of a request and an update as adapters send them (webhook, file drop JSON Lines):
// Open311 spelling at the boundary, so a supplier who knows GeoReport v2 reads it at once.

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

export function requestPayload(job: RequestJob) {
  const r = job.request;
  return {
    service_request_id: r.id,
    jurisdiction_id: r.jurisdictionId,
    service_code: r.serviceCode,
    service_name: job.serviceName,
    status: r.status,
    description: r.description ?? null,
    attributes: r.attributes,
    lat: r.location.lat ?? null,
    long: r.location.long ?? null,
    address: r.location.address ?? null,
    address_id: r.location.addressId ?? null,
    zipcode: r.location.zipcode ?? null,
    uprn: r.location.uprn ?? null,
    easting: r.location.easting ?? null,
    northing: r.location.northing ?? null,
    media_urls: r.mediaUrls,
    source: r.source,
    requested_datetime: iso(r.requestedAt),
    contact: {
      first_name: job.contact.firstName ?? null,
      last_name: job.contact.lastName ?? null,
      email: job.contact.email ?? null,
      phone: job.contact.phone ?? null,
    },
  };
}

export function updatePayload(job: UpdateJob) {
  const u = job.update;
  return {
    update_id: u.id,
    status: u.status,
    description: u.description,
    media_urls: u.mediaUrls,
    updated_datetime: iso(u.updatedAt),
    author: u.authorKind,
  };
}
