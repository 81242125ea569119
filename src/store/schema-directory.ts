/** The Open Referral UK directory's tables (migration 0012): ORUK fields as JSON text beside the keys lists filter on. */
export interface DirectoryTables {
  directory_organizations: { id: string; fields: string };
  directory_services: { id: string; organization_id: string | null; name: string; search_text: string; modified_at: number; fields: string };
  directory_locations: { id: string; latitude: number | null; longitude: number | null; postcode: string | null; postcode_district: string | null; fields: string };
  directory_service_at_locations: { id: string; service_id: string; location_id: string | null; fields: string };
  directory_contacts: { id: string; service_id: string; fields: string };
  directory_schedules: { id: string; service_id: string | null; service_at_location_id: string | null; fields: string };
  directory_taxonomies: { id: string; fields: string };
  directory_taxonomy_terms: { id: string; taxonomy_id: string | null; fields: string };
  directory_attributes: { id: string; link_id: string; taxonomy_term_id: string | null; fields: string };
}
