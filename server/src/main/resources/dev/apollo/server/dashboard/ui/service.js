// One service in one environment: its releases, a deploy in progress, its instances and path
// rules, and the actions (each confirmed first, each through the same API as the CLI).
import {get, send, servicePath} from './api.js';
import {ago, badge, coalesce, duration, h, route, show, time, until} from './dom.js';
import {confirmAction, flash} from './dialog.js';
import {subscribe} from './live.js';
import {healthyOf} from './model.js';

export function service(container, [environment, name], {recent}) {
  let status = null;
  let routes = [];
  let problem = null;
  const failureLogs = new Map(); // release id → its instances' last lines, fetched once

  const load = async () => {
    try {
      [status, routes] = await Promise.all([
        get(servicePath(environment, name)),
        get('/environments/' + encodeURIComponent(environment) + '/routes'),
      ]);
      problem = null;
    } catch (e) {
      problem = e.message;
    }
    draw();
  };

  const draw = () => {
    const events = recent.filter(e => e.environment === environment && e.service === name);
    show(container,
      h('div', {class: 'page-head'},
        h('div', {},
          h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'Services'), ' / ', environment),
          h('h1', {id: 'service-title'}, name, ' ', h('span', {class: 'in'}, 'in ' + environment))),
        h('nav', {class: 'tabs'},
          h('a', {href: route('services', environment, name, 'history')}, 'History'),
          h('a', {href: route('services', environment, name, 'logs')}, 'Logs'))),
      problem ? h('p', {class: 'error', id: 'problem'}, problem) : null,
      status ? actions() : null,
      status ? releases() : null,
      progress(events),
      status ? instances() : null,
      status ? pathRules() : null);
  };

  const actions = () => {
    const live = status.live;
    return h('div', {class: 'actions'},
      h('button', {type: 'button', id: 'action-deploy', class: 'primary', onclick: deploy}, 'Deploy…'),
      h('button', {type: 'button', id: 'action-scale', disabled: !live, onclick: scale}, 'Scale…'),
      h('button', {type: 'button', id: 'action-rollback', disabled: !live, onclick: rollback}, 'Roll back'),
      h('button', {type: 'button', id: 'action-promote', disabled: !status.testbed, onclick: promote}, 'Promote testbed'),
      h('button', {type: 'button', id: 'action-discard', disabled: !status.testbed, onclick: discard}, 'Discard testbed'),
      h('button', {type: 'button', id: 'action-undeploy', class: 'danger', onclick: undeploy}, 'Undeploy…'));
  };

  const releases = () => {
    const rows = [
      ['live', status.live], ['deploying', status.deploying], ['testbed', status.testbed], ['previous', status.previous],
    ].filter(([, r]) => r);
    return h('section', {class: 'card'},
      h('h2', {}, 'Releases'),
      rows.length === 0 ? h('p', {class: 'muted'}, 'No active release.') :
        h('table', {class: 'list', id: 'releases'},
          h('thead', {}, h('tr', {}, ['', 'version', 'release', 'instances', 'since', ''].map(t => h('th', {}, t)))),
          h('tbody', {}, rows.map(([role, r]) => h('tr', {'data-role': role},
            h('td', {}, badge(role, role === 'live' ? 'ok' : role === 'deploying' ? 'busy' : '')),
            h('td', {class: 'version'}, r.version),
            h('td', {class: 'mono'}, r.id),
            h('td', {}, healthyOf(status, r) + '/' + r.instances + ' healthy'),
            h('td', {title: time(r.updatedAt)}, ago(r.updatedAt)),
            h('td', {class: 'muted'}, role === 'previous' && r.deadline ? 'kept warm until ' + time(r.deadline)
              + ' (' + until(r.deadline) + ')' : role === 'deploying' && r.deadline ? 'deadline ' + until(r.deadline) : ''))))),
      status.restarts || status.lastExit || status.backoffUntil ? h('p', {class: 'warn-line'},
        status.restarts ? status.restarts + ' restarts. ' : '',
        status.backoffUntil ? 'Backing off after crashes until ' + time(status.backoffUntil) + '. ' : '',
        status.lastExit ? 'Last exit: ' + status.lastExit : '') : null);
  };

  const progress = events => {
    const started = events.filter(e => e.type === 'DEPLOY_STARTED').at(-1);
    if (!started) return null;
    const release = started.release;
    const own = events.filter(e => e.release === release && e.id >= started.id);
    const end = own.find(e => e.type === 'DEPLOY_SUCCEEDED' || e.type === 'DEPLOY_FAILED');
    if (end && Date.now() - Date.parse(end.at) > 15 * 60 * 1000 && !status?.deploying) return null; // old news
    const at = type => own.find(e => e.type === type);
    const latest = own.at(-1) ?? started;
    const startedCount = Math.max(0, ...own.map(e => e.started));
    const target = latest.target || started.target;
    const t0 = Date.parse(started.at);
    const firstStart = at('INSTANCE_STARTED');
    const allHealthy = own.find(e => e.type === 'INSTANCE_HEALTHY' && e.healthy >= target);
    const switched = at('TRAFFIC_SWITCHED');
    const now = end ? Date.parse(end.at) : Date.now();
    const failed = end?.type === 'DEPLOY_FAILED';
    const phase = (label, from, to, detail) => h('li', {class: to ? 'done' : !from ? 'todo' : failed ? 'failed' : end ? 'done' : 'doing'},
      h('span', {class: 'phase'}, label), h('span', {class: 'took'}, from ? duration((to ?? now) - from) : ''),
      h('span', {class: 'detail'}, detail ?? ''));
    if (failed && !failureLogs.has(release)) {
      failureLogs.set(release, null);
      lastLines(release).then(lines => { failureLogs.set(release, lines); draw(); });
    }
    const lines = failureLogs.get(release);
    return h('section', {class: 'card progress ' + (failed ? 'bad' : end ? 'ok' : 'busy'), id: 'deploy-progress'},
      h('h2', {}, (end ? (failed ? 'Deploy failed' : 'Deployed') : 'Deploying') + ' · release ' + release),
      h('div', {class: 'meter-line'},
        h('progress', {max: target || 1, value: latest.healthy}),
        h('span', {id: 'progress-count'}, latest.healthy + '/' + target + ' healthy')),
      h('ol', {class: 'phases'},
        phase('start instances', t0, firstStart ? Date.parse(firstStart.at) : null, startedCount + '/' + target + ' started'),
        phase('health checks', firstStart ? Date.parse(firstStart.at) : null, allHealthy ? Date.parse(allHealthy.at) : null,
          latest.healthy + '/' + target + ' healthy'),
        phase('switch traffic', allHealthy ? Date.parse(allHealthy.at) : null, switched ? Date.parse(switched.at) : null),
        end ? h('li', {class: failed ? 'failed' : 'done'}, h('span', {class: 'phase'}, failed ? 'failed' : 'succeeded'),
          h('span', {class: 'took'}, duration(Date.parse(end.at) - t0) + ' in all'),
          h('span', {class: 'detail'}, lines?.length ? reasonOnly(end.message) : end.message ?? '')) : null),
      failed && lines?.length ? h('div', {}, h('h3', {}, 'Last output of the failing instance'),
        h('pre', {class: 'log', id: 'failure-output'}, lines.join('\n'))) : null);
  };

  const lastLines = async release => {
    try {
      const others = new Set((status?.instances ?? []).filter(i => i.release !== release).map(i => i.id));
      const logs = await get(servicePath(environment, name, '/logs?lines=20'));
      return logs.filter(l => !others.has(l.instance)).flatMap(l => l.lines.map(line => '[' + l.instance + '] ' + line));
    } catch {
      return [];
    }
  };

  const instances = () => h('section', {class: 'card'},
    h('h2', {}, 'Instances'),
    status.instances.length === 0 ? h('p', {class: 'muted'}, 'No instance runs.') :
      h('table', {class: 'list', id: 'instances'},
        h('thead', {}, h('tr', {}, ['instance', 'version', 'address', 'health', 'started', 'last exit', ''].map(t => h('th', {}, t)))),
        h('tbody', {}, status.instances.map(i => h('tr', {},
          h('td', {class: 'mono'}, i.id),
          h('td', {}, i.version),
          h('td', {class: 'mono'}, i.address ?? '—'),
          h('td', {}, badge(i.health, i.health === 'healthy' ? 'ok' : ['unhealthy', 'exited'].includes(i.health) ? 'bad' : 'busy')),
          h('td', {title: time(i.startedAt)}, ago(i.startedAt)),
          h('td', {class: 'muted'}, i.exit ?? ''),
          h('td', {}, h('a', {href: route('services', environment, name, 'logs', i.id)}, 'logs')))))),
    h('p', {class: 'muted'}, 'Restarts of the current releases: ' + status.restarts
      + (status.lastExit ? ' · last exit: ' + status.lastExit : '')));

  const pathRules = () => {
    const mine = routes.filter(r => r.service === name);
    return h('section', {class: 'card'},
      h('h2', {}, 'Path rules'),
      mine.length === 0 ? h('p', {class: 'muted'}, 'No web path leads here; it is reached over RPC by its name.') :
        h('ul', {class: 'paths', id: 'paths'}, mine.map(r => h('li', {}, h('code', {class: 'path'}, r.path), ' ⇒ ', name))));
  };

  const act = (options) => confirmAction(options).then(message => { if (message) { flash(message); refresh(0); } });

  const deploy = async () => {
    let versions = [];
    try {
      versions = (await get('/artifacts')).filter(a => a.name === name).map(a => a.version).reverse();
    } catch (e) {
      flash(e.message, 'bad');
    }
    act({
      title: 'Deploy ' + name + ' to ' + environment,
      text: 'A new version starts beside the live one and takes traffic once all its instances are healthy.',
      confirm: 'Deploy',
      fields: [
        versions.length ? {name: 'version', label: 'stored version', options: versions, value: status.live?.version ?? versions[0]}
          : {name: 'version', label: 'version', value: ''},
        {name: 'instances', label: 'instances', type: 'number', min: 0, value: status.live?.instances ?? 1},
      ],
      run: async ({version, instances}) => {
        const answer = await send('POST', '/deploys', {artifact: name + ':' + version, instances: Number(instances), environment});
        return answer.kind === 'deploy' ? 'Deploying ' + name + ':' + version + ' as release ' + answer.release.id + '.'
          : answer.kind === 'scale' ? 'Scaled ' + name + ' to ' + instances + '.' : 'Nothing to do: ' + name + ':' + version + ' already runs so.';
      },
    });
  };

  const scale = () => act({
    title: 'Scale ' + name + ' in ' + environment,
    text: 'The live release (' + status.live.version + ') is resized; new instances get traffic once healthy.',
    confirm: 'Scale',
    fields: [{name: 'instances', label: 'instances', type: 'number', min: 0, value: status.live.instances}],
    run: async ({instances}) => {
      await send('PUT', servicePath(environment, name, '/instances'), {instances: Number(instances)});
      return 'Scaling ' + name + ' to ' + instances + '.';
    },
  });

  const rollback = () => act({
    title: 'Roll back ' + name + ' in ' + environment,
    text: status.previous
      ? 'Traffic goes back to ' + status.previous.version + ' (release ' + status.previous.id + '), still running: a route switch.'
      : 'The previous release is no longer warm: it is deployed again, blue/green.',
    confirm: 'Roll back',
    danger: true,
    run: async () => {
      const answer = await send('POST', servicePath(environment, name, '/rollback'));
      return answer.kind === 'switch'
        ? 'Rolled back to ' + answer.release.version + ' in ' + answer.durationMs + ' ms.'
        : 'Redeploying ' + answer.release.version + ' blue/green (release ' + answer.release.id + ').';
    },
  });

  const promote = () => act({
    title: 'Promote the testbed of ' + name,
    text: 'The live release is upgraded to the testbed\'s version ' + status.testbed.version + ', blue/green.',
    confirm: 'Promote',
    fields: [{name: 'instances', label: 'instances', type: 'number', min: 0, value: status.live?.instances ?? status.testbed.instances}],
    run: async ({instances}) => {
      const answer = await send('POST', servicePath(environment, name, '/testbed/promote'), {instances: Number(instances)});
      return 'Promoting ' + answer.release.version + ' (release ' + answer.release.id + ').';
    },
  });

  const discard = () => act({
    title: 'Discard the testbed of ' + name,
    text: 'The testbed ' + status.testbed.version + ' stops; the live release is untouched.',
    confirm: 'Discard',
    danger: true,
    run: async () => {
      await send('DELETE', servicePath(environment, name, '/testbed'));
      return 'Testbed of ' + name + ' discarded.';
    },
  });

  const undeploy = () => act({
    title: 'Undeploy ' + name + ' from ' + environment,
    text: 'Every instance of ' + name + ' in ' + environment + ' stops. Its history stays.',
    confirm: 'Undeploy',
    danger: true,
    run: async () => {
      const stopped = await send('DELETE', servicePath(environment, name));
      return 'Undeployed ' + name + ' from ' + environment + ' (' + stopped.length + ' releases stopped).';
    },
  });

  const refresh = coalesce(load, 200);
  const stop = subscribe(event => {
    if (event.environment === environment && (event.service === name || event.type === 'ROUTE_CHANGED')) {
      draw();
      refresh();
    }
  });
  const clock = setInterval(draw, 5000);
  // Events drive the reloads; this one only bounds how stale the page can get if a reload failed.
  const reload = setInterval(() => refresh(), 15000);
  draw();
  refresh(0);
  return () => { stop(); clearInterval(clock); clearInterval(reload); };
}

/** A failure's reason without the output it quotes, when that output is shown below it anyway. */
function reasonOnly(message) {
  const at = (message ?? '').indexOf('\nLast output');
  return at < 0 ? message ?? '' : message.slice(0, at);
}
