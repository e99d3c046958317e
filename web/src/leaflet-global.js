// Injected by esbuild (see build.mjs) into every bundled file that reads a
// free `L`: leaflet.markercluster's UMD build expects Leaflet as a global.
// This binds that name to the bundled module instead.
import L from 'leaflet';

export { L };
