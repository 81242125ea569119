import { test } from 'node:test';
import assert from 'node:assert/strict';
import { starterLibrary } from '../patterns/library.ts';
import { serviceFromPattern } from '../patterns/adopt.ts';
import { searchServices, stem } from './catalogue.ts';
import { localised } from './welsh.ts';

const services = (await starterLibrary()).map((p) => serviceFromPattern(p, 'example', p.id));

// What residents type, and the service that must come first: variants, run-together and split words, misspellings.
const PHRASINGS: [string, string][] = [
  ['pothole', 'pothole'],
  ['potholes', 'pothole'],
  ['pot hole', 'pothole'],
  ['pot holes in road', 'pothole'],
  ['hole in the road', 'pothole'],
  ['hole in road', 'pothole'],
  ['pothol', 'pothole'],
  ['pothoel', 'pothole'],
  ['crater in the tarmac', 'pothole'],
  ['flytipping', 'fly_tipping'],
  ['fly tipping', 'fly_tipping'],
  ['fly tip', 'fly_tipping'],
  ['fly-tipping', 'fly_tipping'],
  ['flytiping', 'fly_tipping'],
  ['someone dumped rubbish', 'fly_tipping'],
  ['streetlight', 'street_light'],
  ['street light', 'street_light'],
  ['streetlight not working', 'street_light'],
  ['street lights', 'street_light'],
  ['broken lamp post', 'street_light'],
  ['lamppost', 'street_light'],
  ['street lamp out', 'street_light'],
  ['flooding', 'road_flooding'],
  ['flooded road', 'road_flooding'],
  ['water on the road', 'road_flooding'],
  ['grafitti', 'graffiti'],
  ['graffiti on wall', 'graffiti'],
  ['bin not collected', 'missed_bin'],
  ['missed bin', 'missed_bin'],
  ['my bin was not emptied', 'missed_bin'],
  ['dog poo', 'dog_fouling'],
  ['dog mess on pavement', 'dog_fouling'],
  ['dead fox', 'dead_animal'],
  ['roadkill', 'dead_animal'],
  ['needles', 'discarded_needles'],
  ['syringe in the park', 'discarded_needles'],
  ['rats', 'pest_control'],
  ['wasps nest', 'pest_control'],
  ['noisy neighbours', 'noise_nuisance'],
  ['loud music', 'noise_nuisance'],
  ['abandoned car', 'abandoned_vehicle'],
  ['blocked drain', 'blocked_drain'],
  ['drain blocked', 'blocked_drain'],
  ['traffic lights stuck', 'traffic_lights'],
  ['zebra crossing', 'pedestrian_crossing'],
  ['uneven paving slab', 'pavement_problem'],
  ['overgrown hedge', 'overhanging_trees'],
  ['grit bin empty', 'gritting'],
  ['icy road', 'gritting'],
  ['oil spill', 'road_spillage'],
  ['litter', 'street_cleaning'],
  ['asbestos', 'dumped_asbestos'],
  ['flyposting', 'flyposting'],
  ['fly posters', 'flyposting'],
  ['stray dog', 'stray_dog'],
  ['broken bench', 'street_furniture'],
  ['collect old furniture', 'bulky_waste'],
  ['fridge collection', 'bulky_waste'],
];

test(`each of ${PHRASINGS.length} resident phrasings puts the right service first`, () => {
  const wrong = PHRASINGS.map(([q, code]) => [q, code, searchServices(services, q).slice(0, 3).map((s) => s.code)] as const).filter(([, code, got]) => got[0] !== code);
  assert.deepEqual(wrong, [], 'phrasing, expected first, what came first');
});

test('name matches rank before keyword matches, which rank before descriptions', () => {
  // "vandalism" is Vandalism's name and one of Graffiti's keywords.
  assert.deepEqual(searchServices(services, 'vandalism').slice(0, 2).map((s) => s.code), ['vandalism', 'graffiti']);
  // "road" is in Flooding on a road's name, in Pothole's keywords and in many descriptions.
  const road = searchServices(services, 'road').map((s) => s.code);
  assert.equal(road[0], 'road_flooding');
  assert.ok(road.indexOf('pothole') < road.indexOf('dead_animal'), 'a keyword match before a description match');
});

test('filler words alone and unknown words find nothing', () => {
  assert.deepEqual(searchServices(services, 'in the of'), []);
  assert.deepEqual(searchServices(services, 'xylophone'), []);
  assert.deepEqual(searchServices(services, ''), []);
});

test('stemming brings word forms together', () => {
  for (const [a, b] of [['potholes', 'pothole'], ['tipping', 'tip'], ['lights', 'light'], ['flooded', 'flooding'], ['dumped', 'dump'], ['gritting', 'grit']]) {
    assert.equal(stem(a), stem(b), `${a} ~ ${b}`);
  }
});

// Welsh searches on Welsh pages: the pattern's Welsh names, descriptions and keywords (English keywords still count).
const welsh = services.map((s) => localised(s, 'cy'));
const WELSH_PHRASINGS: [string, string][] = [
  ['twll yn y ffordd', 'pothole'],
  ['twll', 'pothole'],
  ['tyllau', 'pothole'],
  ['twll yn y fordd', 'pothole'],
  ['golau stryd', 'street_light'],
  ['golau stryd wedi diffodd', 'street_light'],
  ['golay stryd', 'street_light'],
  ['polyn lamp', 'street_light'],
  ['tipio anghyfreithlon', 'fly_tipping'],
  ['tipio slei', 'fly_tipping'],
  ['sbwriel wedi’i ddympio', 'fly_tipping'],
  ['baw ci', 'dog_fouling'],
  ['baw cŵn', 'dog_fouling'],
  ['baw cwn', 'dog_fouling'],
  ['bin heb ei gasglu', 'missed_bin'],
  ['graffiti', 'graffiti'],
  ['grafiti', 'graffiti'],
  ['llifogydd ar y ffordd', 'road_flooding'],
  ['draen wedi blocio', 'blocked_drain'],
  ['gwter', 'blocked_drain'],
  ['ci strae', 'stray_dog'],
  ['llygod mawr', 'pest_control'],
  ['niwsans sŵn', 'noise_nuisance'],
  ['cerddoriaeth uchel', 'noise_nuisance'],
  ['car wedi’i adael', 'abandoned_vehicle'],
  ['goleuadau traffig', 'traffic_lights'],
  ['croesfan sebra', 'pedestrian_crossing'],
  ['nodwyddau', 'discarded_needles'],
  ['fandaliaeth', 'vandalism'],
  ['graeanu', 'gritting'],
  ['anifail marw', 'dead_animal'],
  ['pothole', 'pothole'],
];

test(`each of ${WELSH_PHRASINGS.length} Welsh phrasings puts the right service first on a Welsh page`, () => {
  const wrong = WELSH_PHRASINGS.map(([q, code]) => [q, code, searchServices(welsh, q).slice(0, 3).map((s) => s.code)] as const).filter(([, code, got]) => got[0] !== code);
  assert.deepEqual(wrong, [], 'phrasing, expected first, what came first');
});
