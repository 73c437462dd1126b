// The dashboard: one page, views chosen by the address's #fragment, all following one event stream.
import {get, logout, startSession} from './api.js';
import {h, show} from './dom.js';
import * as live from './live.js';
import {overview} from './overview.js';

const MAX_EVENTS = 5000;
/** The newest events, oldest first: the first paint's recent ones, then every live one. */
const recent = [];

const views = [
  [/^#?\/?$/, () => ({mount: overview})],
  [/^#\/services\/([^/]+)\/([^/]+)$/, () => import('./service.js').then(m => ({mount: m.service}))],
  [/^#\/services\/([^/]+)\/([^/]+)\/history$/, () => import('./history.js').then(m => ({mount: m.history}))],
  [/^#\/services\/([^/]+)\/([^/]+)\/logs(?:\/([^/]+))?$/, () => import('./logs.js').then(m => ({mount: m.logs}))],
  [/^#\/platform$/, () => import('./platform.js').then(m => ({mount: m.platform}))],
];

let unmount = () => {};
let generation = 0;

async function render() {
  unmount();
  unmount = () => {};
  const mine = ++generation;
  // Each view draws into an element of its own: a reload of the view left behind that answers late
  // draws into a detached element, never over the next view.
  const container = document.createElement('div');
  document.getElementById('view').replaceChildren(container);
  const hash = location.hash || '#/';
  for (const [pattern, load] of views) {
    const match = pattern.exec(hash);
    if (!match) continue;
    const params = match.slice(1).map(part => part === undefined ? undefined : decodeURIComponent(part));
    const {mount} = await load();
    if (mine !== generation) return; // another navigation won meanwhile
    document.querySelectorAll('header nav a').forEach(a =>
      a.classList.toggle('here', hash === a.getAttribute('href') || (a.id === 'nav-overview' && hash.startsWith('#/services'))));
    unmount = mount(container, params, {recent}) || (() => {});
    return;
  }
  show(container, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, hash), '. ',
    h('a', {href: '#/'}, 'Back to the services.')));
}

async function main() {
  if (!await startSession()) {
    location.reload(); // not logged in: the server answers with the login page
    return;
  }
  document.getElementById('logout').addEventListener('click', async () => {
    await logout();
    location.reload();
  });
  const first = await get('/dashboard/recent-events?limit=2000');
  recent.push(...first.events);
  live.subscribe(event => {
    recent.push(event);
    if (recent.length > MAX_EVENTS) recent.splice(0, recent.length - MAX_EVENTS);
  });
  live.start(first.cursor, document.getElementById('live'));
  window.addEventListener('hashchange', render);
  await render();
}

main();
