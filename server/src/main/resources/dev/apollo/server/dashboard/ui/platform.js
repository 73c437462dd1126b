// The gateway (kind, route-table version, last reload or refusal), environments with their
// fallbacks, and the externals of each.
import {get} from './api.js';
import {badge, coalesce, h, show, time} from './dom.js';
import {subscribe} from './live.js';
import {environmentOrder} from './model.js';

export function platform(container) {
  const load = async () => {
    try {
      const [gateway, table, environments] = await Promise.all([
        get('/gateway').catch(e => ({error: e.message})), get('/routes'), get('/environments')]);
      environments.sort((a, b) => environmentOrder(a.name, b.name));
      const externals = await Promise.all(environments.map(e =>
        get('/environments/' + encodeURIComponent(e.name) + '/externals').catch(() => [])));
      show(container,
        h('div', {class: 'page-head'}, h('h1', {}, 'Gateway & environments')),
        h('div', {class: 'columns'},
          gatewayCard(gateway, table),
          h('section', {class: 'card'}, h('h2', {}, 'Environments'),
            h('table', {class: 'list', id: 'environments'},
              h('thead', {}, h('tr', {}, ['environment', 'falls back to', 'path rules', 'created'].map(t => h('th', {}, t)))),
              h('tbody', {}, environments.map(e => h('tr', {},
                h('td', {}, e.name), h('td', {}, e.fallback ?? '—'),
                h('td', {}, String(rules(table, e.name))), h('td', {}, time(e.createdAt)))))))),
        h('section', {class: 'card'}, h('h2', {}, 'Externals'),
          externals.flat().length === 0 ? h('p', {class: 'muted'}, 'No external services. Add one with ',
            h('code', {}, 'apollo external add NAME URL -e ENV'), '.') :
            h('table', {class: 'list', id: 'externals'},
              h('thead', {}, h('tr', {}, ['environment', 'name', 'URL'].map(t => h('th', {}, t)))),
              h('tbody', {}, externals.flat().map(x => h('tr', {},
                h('td', {}, x.environment), h('td', {}, x.name), h('td', {class: 'mono'}, x.url)))))));
    } catch (e) {
      show(container, h('p', {class: 'error'}, e.message));
    }
  };
  const refresh = coalesce(load, 300);
  const stop = subscribe(e => { if (!e.service || e.type === 'ROUTE_CHANGED' || e.type.startsWith('GATEWAY')) refresh(); });
  refresh(0);
  return stop;
}

function rules(table, environment) {
  const entry = (table.environments ?? []).find(e => e.name === environment);
  return entry?.rules?.length ?? 0;
}

function gatewayCard(gateway, table) {
  if (gateway.error) return h('section', {class: 'card'}, h('h2', {}, 'Gateway'), h('p', {class: 'error'}, gateway.error));
  const row = (label, value) => value === null || value === undefined ? null : h('tr', {}, h('th', {}, label), h('td', {}, value));
  return h('section', {class: 'card', id: 'gateway'}, h('h2', {}, 'Gateway ', badge(gateway.kind, 'ok')),
    h('table', {class: 'facts'}, h('tbody', {},
      row('web', gateway.web), row('rpc', gateway.rpc),
      row('route table', 'version ' + table.version + ', built ' + time(table.generatedAt)),
      row('nginx', gateway.engineVersion ? gateway.engineVersion + ' (' + gateway.binary + ')' : null),
      row('serving', gateway.appliedRoutesVersion !== null && gateway.appliedRoutesVersion !== undefined
        ? 'route table ' + gateway.appliedRoutesVersion + ' since ' + time(gateway.appliedAt) : null),
      row('reloads', gateway.reloads !== null && gateway.reloads !== undefined
        ? gateway.reloads + (gateway.lastApplyMs !== null ? ', the last took ' + gateway.lastApplyMs + ' ms' : '') : null),
      row('old workers finishing', gateway.retiringWorkers || null))),
    gateway.lastError ? h('div', {class: 'refused'}, h('h3', {}, 'Last refused config, ' + time(gateway.lastErrorAt)),
      h('pre', {class: 'log'}, gateway.lastError)) : null);
}
