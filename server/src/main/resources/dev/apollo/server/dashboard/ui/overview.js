// Services × environments: what runs where, how healthy, and what needs a look.
import {get} from './api.js';
import {ago, badge, coalesce, h, route, show} from './dom.js';
import {subscribe} from './live.js';
import {digest, environmentOrder, healthyOf} from './model.js';

export function overview(container, params, {recent}) {
  let statuses = null;
  let environments = null;
  let problem = null;
  let painted = false;

  const load = async () => {
    try {
      [statuses, environments] = await Promise.all([get('/services'), get('/environments')]);
      problem = null;
    } catch (e) {
      problem = e.message;
    }
    draw();
  };

  const draw = () => {
    if (problem && !statuses) {
      show(container, h('p', {class: 'error'}, problem));
      return;
    }
    if (!statuses) return;
    const cells = digest(recent);
    const byKey = new Map(statuses.map(s => [s.environment + '/' + s.service, s]));
    const envNames = environments.map(e => e.name).sort(environmentOrder);
    const services = new Set(statuses.map(s => s.service));
    // A service whose only release failed has no status: its events still put it on the board.
    for (const [key, cell] of cells) {
      const [environment, service] = key.split('/');
      if (!byKey.has(key) && cell.deployFailed && envNames.includes(environment)) services.add(service);
    }
    const names = [...services].sort();
    const healthy = statuses.reduce((sum, s) => sum + healthyOf(s, s.live), 0);
    const desired = statuses.reduce((sum, s) => sum + (s.live?.instances ?? 0), 0);
    const attention = [...cells.values()].filter(c => c.deployFailed || c.backingOff).length;
    show(container,
      h('div', {class: 'page-head'},
        h('h1', {}, 'Services'),
        h('div', {class: 'stats'},
          stat(names.length, 'services'), stat(envNames.length, 'environments'),
          stat(healthy + '/' + desired, 'instances healthy'),
          stat(statuses.filter(s => s.deploying).length, 'deploying'),
          stat(attention, 'need a look', attention ? 'bad' : ''))),
      problem ? h('p', {class: 'error'}, problem) : null,
      names.length === 0
        ? h('p', {class: 'empty-state'}, 'Nothing is deployed yet. Deploy with ', h('code', {}, 'apollo deploy NAME:VERSION -n N'), '.')
        : h('div', {class: 'table-wrap'}, h('table', {class: 'grid', id: 'overview'},
          h('thead', {}, h('tr', {}, h('th', {}, 'service'), envNames.map(e => h('th', {}, e)))),
          h('tbody', {}, names.map(service => h('tr', {},
            h('th', {class: 'service-name'}, service),
            envNames.map(environment => cell(environment, service, byKey.get(environment + '/' + service),
              cells.get(environment + '/' + service)))))))));
    if (!painted) {
      painted = true;
      // After the next frame: the table is on screen, not only in the DOM (bench/dashboard.sh reads this mark).
      requestAnimationFrame(() => setTimeout(() => performance.mark('overview-painted')));
    }
  };

  const refresh = coalesce(load, 250);
  const stop = subscribe(event => {
    if (event.service || event.type === 'UNDEPLOYED') refresh();
  });
  const clock = setInterval(draw, 10000); // keeps "3 s ago" true
  // Events drive the reloads; this one only bounds how stale the page can get if a reload failed.
  const reload = setInterval(() => refresh(), 15000);
  refresh(0);
  return () => { stop(); clearInterval(clock); clearInterval(reload); };
}

function stat(value, label, kind = '') {
  return h('div', {class: 'stat ' + kind}, h('strong', {}, String(value)), h('span', {}, label));
}

function cell(environment, service, status, events) {
  const key = environment + '/' + service;
  if (!status && !events?.deployFailed) {
    return h('td', {class: 'cell empty', 'data-cell': key}, '·');
  }
  const live = status?.live;
  const healthy = status ? healthyOf(status, live) : 0;
  const desired = live?.instances ?? 0;
  const crashLoop = Boolean(status?.backoffUntil) || Boolean(events?.backingOff);
  const failed = Boolean(events?.deployFailed);
  const state = crashLoop || failed ? 'bad' : status?.deploying ? 'busy' : healthy < desired ? 'warn' : 'ok';
  const deploying = status?.deploying;
  return h('td', {class: 'cell ' + state, 'data-cell': key},
    h('a', {href: route('services', environment, service), class: 'cell-link'},
      h('div', {class: 'cell-main'},
        live ? h('span', {class: 'version'}, live.version) : h('span', {class: 'muted'}, 'no live release'),
        live ? h('span', {class: 'count', title: 'healthy / desired'}, healthy + '/' + desired) : null),
      deploying ? h('div', {class: 'sub deploying'}, '→ ' + deploying.version + ' ',
        h('span', {class: 'count'}, healthyOf(status, deploying) + '/' + deploying.instances)) : null,
      status?.testbed ? h('div', {class: 'sub'}, 'testbed ' + status.testbed.version) : null,
      status?.previous ? h('div', {class: 'sub'}, 'previous ' + status.previous.version) : null,
      crashLoop ? badge('crash loop', 'bad mark crash-loop') : null,
      failed ? badge('deploy failed', 'bad mark deploy-failed') : null,
      events?.last ? h('div', {class: 'last', title: events.last.message ?? ''},
        events.last.type.toLowerCase().replaceAll('_', ' ') + ' · ' + ago(events.last.at)) : null));
}
