package postgis

// SelectLayerAt is the page of a layer at a version, for the plan test.
const SelectLayerAt = selectLayerAt
