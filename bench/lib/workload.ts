/** The Open311 requests the benchmark sends: the same bytes to Pipework and to the baseline. */

const DAY = 86_400_000;

/**
 * A FixMyStreet-like pothole report, form-encoded, about 1 KB, with
 * attributes and contact details.
 */
export function postBody(apiKey: string): string {
  const form = new URLSearchParams({
    api_key: apiKey,
    service_code: 'pothole',
    lat: '51.50135',
    long: '-0.14189',
    address_string: '12 Birdcage Walk, Example Town EX1 2AB',
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'ada.lovelace@example.org',
    phone: '01632 960000',
    device_id: 'bench-device-0001',
    account_id: 'bench-account-0001',
    description:
      'There is a deep pothole in the nearside lane just after the pedestrian crossing, about thirty centimetres across. ' +
      'Water collects in it after rain so it is hard to see, and cyclists swerve into the traffic to avoid it. ' +
      'Two cars have already burst tyres on it this week according to a neighbour. The edges are breaking up and ' +
      'loose stones are spreading across the road towards the junction. Please could somebody inspect it and make it ' +
      'safe before someone is hurt. It is worst in the mornings when the sun is low and shines straight into the eyes of drivers ' +
      'coming down the hill towards the school.',
    'attribute[depth]': 'deep',
    'attribute[width_cm]': '30',
    'attribute[position]': 'carriageway',
    'attribute[easting]': '529090',
    'attribute[northing]': '179645',
  });
  return form.toString();
}

/**
 * The filtered list a client polls: one service, two statuses, the last
 * seven days, 50 to a page. The same query string for both servers.
 */
export function listQuery(now = Date.now()): string {
  const q = new URLSearchParams({
    service_code: 'pothole',
    status: 'open,in_progress',
    start_date: new Date(now - 7 * DAY).toISOString(),
    end_date: new Date(now + DAY).toISOString(),
    page_size: '50',
  });
  return q.toString();
}
