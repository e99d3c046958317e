// country-names.js names countries by their ISO 3166-1 alpha-3 code, as
// incidents give them, for the filters, the table and the print: the
// borders layer's own names where it has the country, else English names
// from i18n-iso-countries (its short form: "Iran", not "Islamic Republic
// of Iran"), so incidents abroad (Germany, Sweden, the United States)
// read as names too.
import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json';

countries.registerLocale(en);

/** worldCountryNames is {alpha-3 code: English name} for every country. */
export function worldCountryNames() {
  const out = {};
  for (const [a2, name] of Object.entries(countries.getNames('en', { select: 'alias' }))) {
    const a3 = countries.alpha2ToAlpha3(a2);
    if (a3) out[a3] = name;
  }
  return out;
}
