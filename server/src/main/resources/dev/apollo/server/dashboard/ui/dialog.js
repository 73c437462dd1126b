// Every action asks first: a modal with what will happen, the action's fields, and the API's own
// message when it refuses (the dialog stays open so the input can be fixed).
import {h, show} from './dom.js';

const dialog = () => document.getElementById('confirm');

/**
 * confirmAction({title, text, confirm, fields: [{name, label, type, value, min, options}], run: async values => message})
 * Resolves once the action succeeded (with its message) or the dialog was cancelled (with null).
 */
export function confirmAction({title, text, confirm = 'Confirm', danger = false, fields = [], run}) {
  const box = dialog();
  const form = document.getElementById('confirm-form');
  const error = document.getElementById('confirm-error');
  const ok = document.getElementById('confirm-ok');
  show(document.getElementById('confirm-title'), title);
  show(document.getElementById('confirm-text'), text);
  show(document.getElementById('confirm-fields'), ...fields.map(field));
  error.hidden = true;
  ok.textContent = confirm;
  ok.className = danger ? 'danger' : 'primary';
  ok.disabled = false;
  return new Promise(resolve => {
    const cancel = document.getElementById('confirm-cancel');
    const finish = result => {
      form.onsubmit = null;
      cancel.onclick = null;
      box.onclose = null;
      if (box.open) box.close();
      resolve(result);
    };
    cancel.onclick = () => finish(null);
    box.onclose = () => finish(null);
    form.onsubmit = async submit => {
      submit.preventDefault();
      const values = Object.fromEntries(fields.map(f => [f.name, form.elements[f.name].value]));
      ok.disabled = true;
      try {
        const message = await run(values);
        finish(message ?? 'done');
      } catch (e) {
        show(error, e.message);
        error.hidden = false;
        ok.disabled = false;
      }
    };
    box.showModal();
  });
}

function field({name, label, type = 'text', value = '', min, options}) {
  const input = options
    ? h('select', {name, id: 'field-' + name}, options.map(o => h('option', {value: o, selected: o === value}, o)))
    : h('input', {name, id: 'field-' + name, type, value, min, required: true});
  return h('label', {class: 'field'}, h('span', {}, label), input);
}

/** A message at the top of the page for a few seconds. */
export function flash(message, kind = 'ok') {
  const box = document.getElementById('flash');
  show(box, message);
  box.className = 'flash ' + kind;
  box.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { box.hidden = true; }, 6000);
}
