import type { Jurisdiction, Service } from '../services/service.ts';
import { emptyRecords, type DirectoryRecords } from './records.ts';
import { uuidFor } from './ids.ts';

export const ESD_TAXONOMY_ID = uuidFor('taxonomy', 'esd');
export const OPEN311_TAXONOMY_ID = uuidFor('taxonomy', 'open311');
export const esdTermUri = (lgsl: number) => `http://id.esd.org.uk/service/${lgsl}`;

export interface CatalogueSource {
  jurisdiction: Jurisdiction;
  services: Service[];
  /** When each service (by code) last changed. */
  changedAt: Map<string, Date>;
}

export interface CatalogueOptions {
  /** The public base URL, without a trailing slash. */
  baseUrl: string;
  /** The LGSL label of a code, when known. */
  lgslName: (code: number) => string | undefined;
}

/** Residents may request it: active and public (private and staff services stay out of a public directory). */
export const requestable = (s: Service) => s.active && s.visibility === 'public';

/**
 * Every requestable service of each council as a directory entry, decided here
 * rather than stored: the directory always says what the Open311 catalogue
 * says, with no copy to fall out of step (decision 0091). Each entry links to
 * the start of its web journey, carries its LGSL code as an `esd` term and its
 * Open311 `service_code` as an `open311` term.
 */
export function catalogueRecords(sources: CatalogueSource[], options: CatalogueOptions): DirectoryRecords {
  const out = emptyRecords();
  const base = options.baseUrl.replace(/\/+$/, '');
  const termsSeen = new Set<string>();
  let esdUsed = false;
  for (const { jurisdiction, services, changedAt } of sources) {
    const organizationId = uuidFor('organization', jurisdiction.id);
    const offered = services.filter(requestable);
    if (!offered.length) continue;
    out.organizations.push({
      id: organizationId,
      fields: { id: organizationId, name: jurisdiction.name, description: `${jurisdiction.name}: services residents can request online.`, website: `${base}/` },
    });
    for (const s of offered) {
      const id = uuidFor('service', jurisdiction.id, s.code);
      const changed = changedAt.get(s.code);
      out.services.push({
        id,
        organizationId,
        fields: {
          id,
          organization_id: organizationId,
          name: s.name,
          ...(s.description ? { description: s.description } : {}),
          url: `${base}/report/${encodeURIComponent(s.code)}`,
          status: 'active',
          ...(s.serviceNotice ? { alert: s.serviceNotice } : {}),
          ...(changed ? { last_modified: changed.toISOString() } : {}),
        },
      });
      const codeTermId = uuidFor('term', 'open311', jurisdiction.id, s.code);
      out.taxonomyTerms.push({
        id: codeTermId,
        taxonomyId: OPEN311_TAXONOMY_ID,
        fields: {
          id: codeTermId,
          name: s.code,
          description: `The Open311 service_code of "${s.name}" at ${jurisdiction.name}`,
          taxonomy: 'open311',
          taxonomy_id: OPEN311_TAXONOMY_ID,
          term_uri: `${base}/open311/v2/services/${encodeURIComponent(s.code)}.json?jurisdiction_id=${encodeURIComponent(jurisdiction.id)}`,
          term: s.code,
        },
      });
      out.attributes.push(attribute(id, codeTermId, 'service_code', s.code));
      if (s.lgslCode !== undefined) {
        esdUsed = true;
        const termId = uuidFor('term', 'esd', String(s.lgslCode));
        if (!termsSeen.has(termId)) {
          termsSeen.add(termId);
          const label = options.lgslName(s.lgslCode) ?? `LGSL ${s.lgslCode}`;
          out.taxonomyTerms.push({
            id: termId,
            taxonomyId: ESD_TAXONOMY_ID,
            fields: { id: termId, name: label, description: label, taxonomy: 'esd', taxonomy_id: ESD_TAXONOMY_ID, term_uri: esdTermUri(s.lgslCode), term: String(s.lgslCode) },
          });
        }
        out.attributes.push(attribute(id, termId, 'lgsl', String(s.lgslCode)));
      }
    }
  }
  if (esdUsed) {
    out.taxonomies.push({
      id: ESD_TAXONOMY_ID,
      fields: { id: ESD_TAXONOMY_ID, name: 'esd', description: 'Local Government Service List (LGSL), the services English and Welsh councils provide', uri: 'http://id.esd.org.uk/service' },
    });
  }
  if (out.services.length) {
    out.taxonomies.push({
      id: OPEN311_TAXONOMY_ID,
      fields: { id: OPEN311_TAXONOMY_ID, name: 'open311', description: 'Open311 GeoReport v2 service codes: how to request the service through Open311' },
    });
  }
  return out;
}

function attribute(serviceId: string, termId: string, linkType: string, value: string) {
  const id = uuidFor('attribute', serviceId, termId);
  return { id, linkId: serviceId, taxonomyTermId: termId, fields: { id, link_id: serviceId, link_type: linkType, link_entity: 'service', taxonomy_term_id: termId, value } };
}
