// The ordered event stream, shared by every view: one EventSource for the page, resumed by the
// browser after a drop with Last-Event-ID, so no event is missed or seen twice.
import {events} from './api.js';

const TYPES = ['DEPLOY_STARTED', 'INSTANCE_STARTED', 'INSTANCE_HEALTHY', 'INSTANCE_UNHEALTHY', 'INSTANCE_NOT_READY',
  'INSTANCE_READY', 'INSTANCE_EXITED', 'INSTANCE_STOPPED', 'BACKING_OFF', 'TRAFFIC_SWITCHED', 'INSTANCE_DRAINING',
  'DEPLOY_SUCCEEDED', 'DEPLOY_FAILED', 'RELEASE_REPLACED', 'SCALED', 'ROLLED_BACK', 'TESTBED_DISCARDED',
  'ROUTE_CHANGED', 'UNDEPLOYED', 'GATEWAY_ERROR', 'GATEWAY_RECOVERED', 'CONFIGURATION_CHANGED', 'DEPLOY_RESUMED',
  'LEADER_ELECTED'];

const listeners = new Set();
let source = null;
let lastId = 0;

/** Starts following after `cursor` (once); `status` shows whether the stream is connected. */
export function start(cursor, status) {
  if (source) return;
  lastId = cursor;
  source = events(cursor);
  const deliver = message => {
    const event = JSON.parse(message.data);
    if (event.id <= lastId) return;
    lastId = event.id;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (e) {
        console.error('a view failed on event ' + event.id + ' (' + event.type + '):', e); // the others still get it
      }
    }
  };
  source.onmessage = deliver;
  // Named events (event: TYPE) reach only listeners for that name; unknown future types still arrive via onmessage.
  for (const type of TYPES) source.addEventListener(type, deliver);
  source.onopen = () => { status.textContent = 'live'; status.className = 'live on'; };
  source.onerror = () => { status.textContent = 'reconnecting…'; status.className = 'live off'; };
}

/** Calls `listener` for every new event until the returned function is called. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function cursor() {
  return lastId;
}
