// A service's releases, newest first: outcome, what replaced it, what changed in its configuration.
import {get, servicePath} from './api.js';
import {badge, coalesce, h, route, show, time} from './dom.js';
import {subscribe} from './live.js';

const OUTCOME = {live: 'ok', previous: '', testbed: 'busy', deploying: 'busy', failed: 'bad', replaced: '', stopped: '', undeployed: ''};

export function history(container, [environment, name]) {
  const load = async () => {
    let releases;
    try {
      releases = await get(servicePath(environment, name, '/history'));
    } catch (e) {
      show(container, head(), h('p', {class: 'error'}, e.message));
      return;
    }
    show(container, head(), h('section', {class: 'card'}, h('table', {class: 'list', id: 'history'},
      h('thead', {}, h('tr', {}, ['release', 'version', 'instances', 'outcome', 'replaced by / reason', 'changed', 'created']
        .map(t => h('th', {}, t)))),
      h('tbody', {}, releases.map((r, i) => h('tr', {},
        h('td', {class: 'mono'}, r.id),
        h('td', {class: 'version'}, r.version),
        h('td', {}, String(r.instances)),
        h('td', {}, badge(r.state, OUTCOME[r.state] ?? '')),
        h('td', {}, replacedBy(releases, i), r.reason ? h('div', {class: 'muted'}, r.reason) : null),
        h('td', {}, (r.changes ?? []).length ? h('ul', {class: 'changes'}, r.changes.map(c => h('li', {}, c)))
          : h('span', {class: 'muted'}, i + 1 === releases.length ? 'first release' : 'nothing')),
        h('td', {}, time(r.createdAt))))))));
  };

  const head = () => h('div', {class: 'page-head'},
    h('div', {},
      h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'Services'), ' / ',
        h('a', {href: route('services', environment, name)}, name + ' in ' + environment)),
      h('h1', {}, 'History of ', name)));

  const refresh = coalesce(load, 300);
  const stop = subscribe(e => { if (e.environment === environment && e.service === name) refresh(); });
  refresh(0);
  return stop;
}

/** The newer release that went live after this one, if any (the list is newest first). */
function replacedBy(releases, index) {
  const state = releases[index].state;
  if (state === 'live' || state === 'deploying' || state === 'testbed') return null;
  for (let i = index - 1; i >= 0; i--) {
    if (['live', 'previous', 'replaced'].includes(releases[i].state)) {
      return h('div', {}, 'then ' + releases[i].version + ' (' + releases[i].id + ')');
    }
  }
  return null;
}
