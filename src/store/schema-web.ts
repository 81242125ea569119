/** The resident web's tables (migration 0020). */
export interface ResidentWebTables {
  reference_secret: { id: number; secret: string; numeric_until: number | string };
  addresses: {
    uprn: string;
    address: string;
    street: string;
    town: string;
    postcode: string;
    postcode_key: string;
    street_key: string;
    easting: number;
    northing: number;
    lat: number;
    long: number;
  };
}
