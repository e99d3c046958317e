// status.js derives the status of an infrastructure section (a TAPI or
// railway feature) on a given day from its dated milestones. It is pure:
// no DOM, no Leaflet, so the rules are unit-tested on their own.

/** STATUSES are the statuses a section can have on a day, in legend order. */
export const STATUSES = ['operating', 'under_construction', 'proposed', 'suspended'];

/** STATUS_LABELS names each status, and the state before any milestone. */
export const STATUS_LABELS = {
  operating: 'operating',
  under_construction: 'under construction',
  proposed: 'proposed',
  suspended: 'suspended',
  not_yet_agreed: 'not yet agreed',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** isDay reports whether s is a YYYY-MM-DD day. */
export function isDay(s) {
  return typeof s === 'string' && DAY.test(s);
}

/**
 * next applies one milestone event to the status so far. suspendedFrom is
 * what a section was before its last suspension, which "resumed" restores.
 * "agreed" and "announced" only start a plan: a later announcement about a
 * line that is already being built or running does not make it proposed
 * again. "resumed" with no suspension before it leaves the status as is
 * (work resuming on a line under construction), or means operating if
 * nothing came before.
 */
function next(status, suspendedFrom, event) {
  switch (event) {
    case 'agreed':
    case 'announced':
      return [status || 'proposed', suspendedFrom];
    case 'groundbreaking':
    case 'construction_started':
      return ['under_construction', null];
    case 'opened':
      return ['operating', null];
    case 'suspended':
      return ['suspended', status === 'suspended' ? suspendedFrom : status];
    case 'resumed':
      if (status === 'suspended') return [suspendedFrom || 'operating', null];
      return [status || 'operating', null];
    default:
      return [status, suspendedFrom];
  }
}

/** sortedMilestones returns the well-formed milestones in date order (stable for ties). */
export function sortedMilestones(milestones) {
  if (!Array.isArray(milestones)) return [];
  return milestones
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m && typeof m === 'object' && isDay(m.date))
    .sort((a, b) => (a.m.date < b.m.date ? -1 : a.m.date > b.m.date ? 1 : a.i - b.i))
    .map(({ m }) => m);
}

/**
 * statusOn returns a section's status on day (YYYY-MM-DD, inclusive) from
 * its properties: one of STATUSES, or 'not_yet_agreed' before its first
 * milestone. A section without milestones keeps its current status
 * (props.status), or null if it has none: there is no history to replay.
 */
export function statusOn(props = {}, day) {
  const list = sortedMilestones(props.milestones);
  if (list.length === 0) return STATUSES.includes(props.status) ? props.status : null;
  let status = null;
  let suspendedFrom = null;
  for (const m of list) {
    if (m.date > day) break;
    [status, suspendedFrom] = next(status, suspendedFrom, m.event);
  }
  return status || 'not_yet_agreed';
}

/** hasHistory reports whether a feature's status depends on the day. */
export function hasHistory(props = {}) {
  return sortedMilestones(props.milestones).length > 0;
}

/** statusLabel is the display text of a status. */
export function statusLabel(status) {
  return STATUS_LABELS[status] || String(status || '');
}
