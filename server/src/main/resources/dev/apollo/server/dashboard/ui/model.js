// What the views derive from statuses and events, kept apart from drawing them.

/** Instances of `release` that pass their checks. */
export function healthyOf(status, release) {
  if (!release) return 0;
  return status.instances.filter(i => i.release === release.id && i.health === 'healthy').length;
}

const DEPLOY_ENDS = new Set(['DEPLOY_STARTED', 'DEPLOY_SUCCEEDED', 'DEPLOY_FAILED', 'ROLLED_BACK', 'UNDEPLOYED']);
const CRASH_ENDS = new Set(['DEPLOY_STARTED', 'DEPLOY_SUCCEEDED', 'DEPLOY_FAILED', 'INSTANCE_HEALTHY', 'UNDEPLOYED']);

/** Per "environment/service": the last event, and whether its last deploy failed or it crashes in a loop. */
export function digest(events) {
  const cells = new Map();
  for (const event of events) {
    if (!event.service) continue;
    const key = event.environment + '/' + event.service;
    const cell = cells.get(key) ?? {last: null, deployFailed: false, backingOff: false, lastFailure: null};
    cell.last = event;
    if (DEPLOY_ENDS.has(event.type)) {
      cell.deployFailed = event.type === 'DEPLOY_FAILED';
      if (event.type === 'DEPLOY_FAILED') cell.lastFailure = event.message;
    }
    if (event.type === 'BACKING_OFF') cell.backingOff = true;
    else if (CRASH_ENDS.has(event.type)) cell.backingOff = false;
    cells.set(key, cell);
  }
  return cells;
}

/** Production first, then by name. */
export function environmentOrder(a, b) {
  if (a === 'production') return -1;
  if (b === 'production') return 1;
  return a.localeCompare(b);
}
