/**
 * PMM 2's API keys page, `/graph/org/apikeys` (issue 17; seeds/pmm-api-keys.txt steps 2–6):
 * the key table (name, role, expires; delete with a confirm), the **Add API Key** form (key name,
 * role drop-down, time to live with its tooltip, Add) and the **API Key Created** window (the key
 * once, Copy). The page's script calls `GET/POST/DELETE /graph/api/auth/keys` (grafana-auth §1.3,
 * grafana-auth §1.5, grafana-auth §1.6) with the session cookie. Texts are Grafana 9.2's
 * `ApiKeysPage`, `ApiKeysForm` and `ApiKeysAddedModal` as the mock remembers them (UNVERIFIED:
 * the reference has no UI section; the docs name "Add API Key", "Time to live", "API Key Created").
 */
import type { AppDeps, Ctx } from '../../context.ts';
import { CLIENT_JS } from './client.ts';
import { configurationHeader, esc, page } from './layout.ts';
import { bootData, pageUser, toLogin } from './login.ts';

/** UNVERIFIED (Grafana 9.2 ApiKeysForm): the Time to live field's tooltip. */
export const TTL_TOOLTIP =
  'The API key life duration. For example, 1d if your key is going to last for one day. Supported units are: s,m,h,d,w,M,y';
/** UNVERIFIED (Grafana 9.2 ApiKeysForm): the field's validation message on blur. */
export const TTL_INVALID = 'Not a valid duration';
/** UNVERIFIED (Grafana 9.2 ApiKeysAddedModal): the created window's title and warning. */
export const KEY_ONCE_WARNING = 'You will only be able to view this key here once!';

/**
 * Grafana's `rangeUtil.intervalToSeconds` (@grafana/data `describeInterval`; UNVERIFIED, not in
 * the reference): a unit-less number is seconds; else the first `<number><unit>` anywhere in the
 * text, units y M w d h m s ms; anything else throws. The page's script runs this very function
 * (its source is sent inline), so the unit tests test what the browser runs.
 */
export function intervalToSeconds(str: string): number {
  const units: Record<string, number> = {
    y: 31536000,
    M: 2592000,
    w: 604800,
    d: 86400,
    h: 3600,
    m: 60,
    s: 1,
    ms: 0.001,
  };
  if (Number(str)) return Number.parseInt(str, 10);
  const m = str.match(/(-?\d+(?:\.\d+)?)(ms|[Mwdhmsy])/);
  if (!m) {
    const list = Object.keys(units).join(', ');
    throw new Error(
      `Invalid interval string, has to be either unit-less or end with one of the following units: "${list}"`,
    );
  }
  return (units[m[2]!] ?? 0) * Number.parseInt(m[1]!, 10);
}

const PAGE_JS = String.raw`
const intervalToSeconds = INTERVAL_FN;
const list = document.getElementById('keys');
const form = document.getElementById('add-key');
const ttl = document.getElementById('time-to-live-input');
const ttlError = document.getElementById('ttl-error');
let keys = [];
function ttlValid() {
  if (!ttl.value) return true;
  try { intervalToSeconds(ttl.value); return true; } catch (e) { return false; }
}
function showTtlError() { ttlError.textContent = ttlValid() ? '' : TTL_INVALID; return ttlValid(); }
ttl.addEventListener('blur', showTtlError);
function toggleAdd(open) { form.hidden = !open; if (open) document.getElementById('key-name').focus(); }
for (const b of document.querySelectorAll('[data-add-key]')) b.addEventListener('click', () => toggleAdd(true));
document.getElementById('close-add').addEventListener('click', () => toggleAdd(false));
function render() {
  const showExpired = document.getElementById('show-expired').checked;
  const shown = keys.filter((k) => showExpired || !k.expired);
  document.getElementById('cta').hidden = keys.length > 0;
  document.getElementById('table-wrap').hidden = keys.length === 0;
  list.innerHTML = shown.map((k) =>
    '<tr><td>' + escapeHtml(k.name) + '</td><td>' + escapeHtml(k.role) + '</td><td>' +
    (k.expiration ? escapeHtml(formatDate(k.expiration)) + (k.expired ? ' <span class="error">Expired</span>' : '') : 'Never') +
    '</td><td style="text-align:right">' + (boot.canManage ? '<span class="confirm" hidden><button class="danger" data-confirm="' + k.id + '">Delete</button> <button class="secondary" data-cancel>Cancel</button></span> <button class="danger" aria-label="Delete API key ' + escapeHtml(k.name) + '" data-delete>×</button>' : '') + '</td></tr>'
  ).join('');
}
list.addEventListener('click', async (ev) => {
  const t = ev.target;
  const confirm = t.closest('td') && t.closest('td').querySelector('.confirm');
  if (t.matches('[data-delete]')) { confirm.hidden = false; t.hidden = true; }
  else if (t.matches('[data-cancel]')) { confirm.hidden = true; t.closest('td').querySelector('[data-delete]').hidden = false; }
  else if (t.matches('[data-confirm]')) { await api('DELETE', '/graph/api/auth/keys/' + t.dataset.confirm); await load(); }
});
document.getElementById('show-expired').addEventListener('change', render);
async function load() {
  try {
    const rows = await api('GET', '/graph/api/auth/keys?includeExpired=true');
    const now = Date.now();
    keys = rows.map((k) => ({ ...k, expired: k.expiration ? new Date(k.expiration).getTime() <= now : false }));
    render();
  } catch (e) {
    document.getElementById('cta').hidden = true;
    document.getElementById('denied').textContent = e.message;
  }
}
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!showTtlError()) return;
  const name = document.getElementById('key-name').value;
  const role = document.getElementById('role-select').value;
  const secondsToLive = ttl.value ? intervalToSeconds(ttl.value) : null;
  let created;
  try { created = await api('POST', '/graph/api/auth/keys', { name, role, secondsToLive }); } catch (e) { return; }
  form.reset();
  toggleAdd(false);
  showCreated(created.key);
  await load();
});
function showCreated(key) {
  const root = location.origin + '/graph';
  const modal = document.createElement('div');
  modal.className = 'modal-backdrop';
  modal.innerHTML = '<div class="modal" role="dialog" aria-labelledby="created-title"><header><h2 id="created-title">API Key Created</h2><button class="secondary" aria-label="Close dialog" data-close>×</button></header><div class="body">' +
    '<div class="field"><label for="Key">Key</label><div class="keybox"><input id="Key" readonly value="' + escapeHtml(key) + '"><button data-copy>Copy</button></div></div>' +
    '<div class="alert alert-info"><div class="title">' + escapeHtml(KEY_ONCE) + '</div><div>It is not stored in this form, so be sure to copy it now.</div></div>' +
    '<p class="muted">You can authenticate a request using the Authorization HTTP header, example:</p><pre>curl -H "Authorization: Bearer ' + escapeHtml(key) + '" ' + escapeHtml(root) + '/api/dashboards/home</pre></div></div>';
  modal.addEventListener('click', (ev) => {
    if (ev.target === modal || ev.target.matches('[data-close]')) modal.remove();
    if (ev.target.matches('[data-copy]')) copyFrom(modal.querySelector('#Key'), ev.target, 'Copy');
  });
  document.body.appendChild(modal);
}
load();
`;

/** `GET /graph/org/apikeys`: the page; its script loads the keys. Non-admins get no Add button (the API refuses them, grafana-auth §1.1). */
export function apiKeysPage(deps: AppDeps) {
  return function apiKeysPage(c: Ctx): Response {
    const user = pageUser(c, deps);
    if (!user) return toLogin(c);
    // grafana-auth §1.1: only org Admin holds apikeys:* (Grafana disables its button; the mock shows none, LIKELY).
    const canManage = user.orgRole === 'Admin';
    const add = canManage ? '<button data-add-key>Add API key</button>' : '';
    const roles = deps.profile.keyRoles.filter((r) => r !== 'None');
    const options = roles.map((r) => `<option value="${r}">${r}</option>`).join('');
    const main = `${configurationHeader('/graph/org/apikeys')}
<form class="panel" id="add-key" hidden novalidate><button type="button" class="secondary" id="close-add" aria-label="Close" style="position:absolute;right:8px;top:8px">×</button>
<h5 style="margin:0 0 12px;font-size:16px;color:#fff">Add API Key</h5><div class="inline">
<div class="field"><label for="key-name">Key name</label><input id="key-name" placeholder="Name"></div>
<div class="field"><label for="role-select">Role</label><select id="role-select">${options}</select></div>
<div class="field"><label for="time-to-live-input">Time to live <span class="tip" tabindex="0" aria-label="Time to live help">?<span class="tiptext" role="tooltip">${esc(TTL_TOOLTIP)}</span></span></label><input id="time-to-live-input" placeholder="1d"><div class="error" id="ttl-error"></div></div>
<div class="field"><button type="submit">Add</button></div></div></form>
<div id="cta" class="cta" hidden><p style="font-size:18px;color:#fff">You haven't added any API keys yet.</p>${canManage ? '<button data-add-key>New API key</button>' : ''}<p class="muted">ProTip: Remember, you can provide view-only API access to other applications.</p></div>
<div id="table-wrap" hidden><div class="inline" style="justify-content:space-between;margin-bottom:12px"><label style="display:inline"><input type="checkbox" id="show-expired" checked> Show expired</label>${add}</div>
<table><thead><tr><th>Name</th><th>Role</th><th>Expires</th><th></th></tr></thead><tbody id="keys"></tbody></table></div>
<p class="error" id="denied"></p>`;
    const script = `${bootData(user, { canManage })}const TTL_INVALID = ${JSON.stringify(TTL_INVALID)};const KEY_ONCE = ${JSON.stringify(KEY_ONCE_WARNING)};${CLIENT_JS}${PAGE_JS.replace('INTERVAL_FN', intervalToSeconds.toString())}`;
    return c.html(page({ title: 'API keys', profile: deps.profile, user, active: '/graph/org/apikeys', main, script }));
  };
}
