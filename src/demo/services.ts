import type { Service } from '../core/services/service.ts';

type DemoService = Omit<Service, 'jurisdictionId' | 'active' | 'visibility'> & Partial<Pick<Service, 'active' | 'visibility'>>;

const eastingNorthing = [
  { code: 'easting', datatype: 'number', required: false, variable: true, order: 90, description: 'Easting (OSGB36)', automated: 'hidden_field' },
  { code: 'northing', datatype: 'number', required: false, variable: true, order: 91, description: 'Northing (OSGB36)', automated: 'hidden_field' },
  { code: 'fixmystreet_id', datatype: 'string', required: false, variable: true, order: 92, description: 'FixMyStreet report id', automated: 'server_set' },
] as const;

/** The demo council's services: realistic enough to try every datatype and journey. */
export const DEMO_SERVICES: DemoService[] = [
  {
    code: 'pothole',
    name: 'Pothole',
    description: 'A hole or sunken area in a road surface.',
    groups: ['Roads and pavements'],
    keywords: ['hole in road', 'road surface', 'crater', 'tarmac'],
    type: 'realtime',
    lgslCode: 557,
    serviceNotice: 'We inspect reported potholes within 5 working days and make dangerous ones safe within 24 hours.',
    attributes: [
      {
        code: 'depth', datatype: 'singlevaluelist', required: true, variable: true, order: 1, description: 'How deep is the pothole?',
        values: [
          { key: 'shallow', name: 'Less than 4cm' },
          { key: 'medium', name: '4cm to 10cm' },
          { key: 'deep', name: 'More than 10cm' },
        ],
      },
      { code: 'width_cm', datatype: 'number', required: false, variable: true, order: 2, description: 'Roughly how wide is it, in centimetres?' },
      {
        code: 'position', datatype: 'singlevaluelist', required: false, variable: true, order: 3, description: 'Where on the road is it?',
        values: [
          { key: 'carriageway', name: 'In the road' },
          { key: 'cycle_lane', name: 'In a cycle lane' },
          { key: 'junction', name: 'At a junction' },
        ],
      },
      ...eastingNorthing,
    ],
  },
  {
    code: 'street_light',
    name: 'Street light fault',
    description: 'A street light that is out, on in the day, flickering or damaged.',
    groups: ['Roads and pavements', 'Street lighting'],
    keywords: ['lamp post', 'street lamp', 'light out'],
    type: 'realtime',
    lgslCode: 564,
    attributes: [
      { code: 'column_number', datatype: 'string', required: false, variable: true, order: 1, description: 'The number on the lamp post, if you can see one' },
      {
        code: 'fault', datatype: 'singlevaluelist', required: true, variable: true, order: 2, description: 'What is wrong with the light?',
        values: [
          { key: 'out', name: 'Not working' },
          { key: 'day_burning', name: 'On during the day' },
          { key: 'flickering', name: 'Flickering' },
          { key: 'damaged', name: 'Damaged or leaning' },
          { key: 'exposed_wires', name: 'Wires showing' },
        ],
      },
      ...eastingNorthing,
    ],
  },
  {
    code: 'fly_tipping',
    name: 'Fly-tipping',
    description: 'Rubbish dumped illegally on public land.',
    groups: ['Rubbish and recycling', 'Environmental crime'],
    keywords: ['dumped rubbish', 'illegal dumping', 'fly tipping'],
    type: 'realtime',
    lgslCode: 587,
    attributes: [
      {
        code: 'waste_type', datatype: 'multivaluelist', required: true, variable: true, order: 1, description: 'What has been dumped?',
        values: [
          { key: 'bags', name: 'Black bags' },
          { key: 'furniture', name: 'Furniture' },
          { key: 'electrical', name: 'Fridges or electrical items' },
          { key: 'building', name: 'Building rubble' },
          { key: 'tyres', name: 'Tyres' },
          { key: 'asbestos', name: 'Possible asbestos' },
          { key: 'other', name: 'Something else' },
        ],
      },
      {
        code: 'size', datatype: 'singlevaluelist', required: true, variable: true, order: 2, description: 'How much is there?',
        values: [
          { key: 'single', name: 'A single item' },
          { key: 'car_boot', name: 'A car boot load' },
          { key: 'van', name: 'A small van load' },
          { key: 'lorry', name: 'A lorry load or more' },
        ],
      },
      { code: 'seen_dumping', datatype: 'text', required: false, variable: true, order: 3, description: 'If you saw who dumped it, tell us what you saw (vehicle, time)' },
      ...eastingNorthing,
    ],
  },
  {
    code: 'graffiti',
    name: 'Graffiti',
    description: 'Graffiti on public property such as walls, bridges and signs.',
    groups: ['Environmental crime'],
    keywords: ['spray paint', 'tagging', 'vandalism'],
    type: 'realtime',
    lgslCode: 584,
    attributes: [
      {
        code: 'offensive', datatype: 'singlevaluelist', required: true, variable: true, order: 1, description: 'Is the graffiti offensive or racist?',
        values: [
          { key: 'yes', name: 'Yes' },
          { key: 'no', name: 'No' },
        ],
      },
      {
        code: 'surface', datatype: 'singlevaluelist', required: false, variable: true, order: 2, description: 'What is it on?',
        values: [
          { key: 'council', name: 'Council building or wall' },
          { key: 'street_furniture', name: 'Sign, bin or bench' },
          { key: 'bridge', name: 'Bridge or underpass' },
          { key: 'private', name: 'Private property' },
        ],
      },
      ...eastingNorthing,
    ],
  },
  {
    code: 'missed_bin',
    name: 'Missed bin collection',
    description: 'Your bin was not emptied on collection day.',
    groups: ['Rubbish and recycling'],
    keywords: ['bin not collected', 'rubbish not collected', 'recycling missed', 'waste_only'],
    type: 'batch',
    attributes: [
      {
        code: 'bin_type', datatype: 'singlevaluelist', required: true, variable: true, order: 1, description: 'Which bin was missed?',
        values: [
          { key: 'general', name: 'General waste (black bin)' },
          { key: 'recycling', name: 'Recycling (blue bin)' },
          { key: 'garden', name: 'Garden waste (green bin)' },
          { key: 'food', name: 'Food waste caddy' },
        ],
      },
      { code: 'collection_date', datatype: 'datetime', required: true, variable: true, order: 2, description: 'When should it have been collected?' },
      { code: 'uprn', datatype: 'string', required: false, variable: true, order: 3, description: 'Property reference (UPRN)', automated: 'hidden_field' },
    ],
  },
  {
    code: 'dog_fouling',
    name: 'Dog fouling',
    description: 'Dog mess left on a pavement, path or park.',
    groups: ['Environmental crime', 'Parks and open spaces'],
    keywords: ['dog mess', 'dog poo'],
    type: 'realtime',
    lgslCode: 577,
    attributes: [
      { code: 'times_seen', datatype: 'string', required: false, variable: true, order: 1, description: 'If it happens often, when do you see it?' },
      ...eastingNorthing,
    ],
  },
];
