// Building the page: every text goes in through textContent, never as HTML, so a name, a path, a
// log line or an error message that holds markup shows as the characters it is.

/** h('td', {class: 'x', href: '#/y'}, 'text', child...) → an element; null and false children are skipped. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `element` shows with `children`. */
export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** A link inside the dashboard: parts are encoded, so a name can never add path segments or markup. */
export function route(...parts) {
  return '#/' + parts.map(part => encodeURIComponent(part)).join('/');
}

/** "3 s ago", "5 min ago", "2 h ago", "4 d ago". */
export function ago(instant, now = Date.now()) {
  if (!instant) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(instant)) / 1000));
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.round(seconds / 3600) + ' h ago';
  return Math.round(seconds / 86400) + ' d ago';
}

/** "in 4 min" for an instant ahead. */
export function until(instant, now = Date.now()) {
  if (!instant) return '';
  const seconds = Math.round((Date.parse(instant) - now) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 60) return 'in ' + seconds + ' s';
  if (seconds < 3600) return 'in ' + Math.round(seconds / 60) + ' min';
  return 'in ' + Math.round(seconds / 3600) + ' h';
}

/** A duration in ms as "850 ms", "4.2 s", "3 min 5 s". */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

export function time(instant) {
  return instant ? new Date(instant).toLocaleString() : '';
}

/** A small coloured label. */
export function badge(text, kind = '') {
  return h('span', {class: 'badge ' + kind}, text);
}

/**
 * Schedules `run` (an async reload) `ms` after the first call of a burst, never two at once: a call
 * while one runs asks for one more run after it. Answers can then never arrive out of order, and a
 * burst of events costs one reload, not one each.
 */
export function coalesce(run, ms) {
  let timer = null;
  let running = false;
  let again = false;
  const go = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await run();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = (delay = ms) => {
    if (timer === null) timer = setTimeout(go, delay);
  };
  return schedule;
}
