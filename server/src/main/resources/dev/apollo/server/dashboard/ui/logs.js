// An instance's output (or every instance's of the service), followed as it is written.
import {follow, get, servicePath} from './api.js';
import {h, route, show} from './dom.js';

const MAX_LINES = 2000;

export function logs(container, [environment, name, instance]) {
  const output = h('pre', {class: 'log follow', id: 'log'});
  const state = h('p', {class: 'muted', id: 'log-state'}, 'following…');
  let pinned = true;
  output.addEventListener('scroll', () => {
    pinned = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
  });
  show(container,
    h('div', {class: 'page-head'},
      h('div', {},
        h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'Services'), ' / ',
          h('a', {href: route('services', environment, name)}, name + ' in ' + environment)),
        h('h1', {}, 'Logs of ', instance ?? name))),
    state, output);
  const query = '?follow=true' + (instance ? '&instance=' + encodeURIComponent(instance) : '');
  const add = line => {
    output.append(document.createTextNode(line + '\n'));
    while (output.childNodes.length > MAX_LINES) output.firstChild.remove();
    if (pinned) output.scrollTop = output.scrollHeight;
  };
  const ended = error => {
    state.textContent = error ? error.message : 'the stream ended (the instances stopped).';
    state.className = error ? 'error' : 'muted';
  };
  // The stream follows from now on: the recent lines come first, from the same API as `apollo logs`.
  let stop = () => {};
  let stopped = false;
  const only = instance ? '&instance=' + encodeURIComponent(instance) : '';
  get(servicePath(environment, name, '/logs?lines=200' + only))
    .then(recent => recent.forEach(l => l.lines.forEach(line => add('[' + l.instance + '] ' + line))))
    .catch(ended)
    .finally(() => {
      if (!stopped) stop = follow(servicePath(environment, name, '/logs' + query), add, ended);
    });
  return () => { stopped = true; stop(); };
}
