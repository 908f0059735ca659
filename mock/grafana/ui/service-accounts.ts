/**
 * PMM 3's service-account pages (issue 17; PMM 3 docs: Administration → Users and access →
 * Service accounts → Add service account → Add service account token): the list, the create
 * form (display name, role) and an account's page with its tokens and the **Add service account
 * token** window (name, expiration: no expiration / set date; the token once, with Copy). The
 * scripts call the service-account endpoints of grafana-auth §5.3 with the session cookie.
 * Texts are Grafana 11.1's as the mock remembers them (UNVERIFIED: the reference has no UI section).
 */
import type { AppDeps, Ctx } from '../../context.ts';
import { CLIENT_JS } from './client.ts';
import { esc, page } from './layout.ts';
import { bootData, pageUser, toLogin } from './login.ts';

/** UNVERIFIED (Grafana 11.1 CreateTokenModal): the generated token's notice. */
export const TOKEN_ONCE_WARNING =
  'Copy the token now as you will not be able to see it again. Losing a token requires creating a new one.';

const ACTIVE = '/graph/org/serviceaccounts';
const SUBTITLE =
  'Service accounts and their tokens can be used to authenticate against the Grafana API. Find out more in our documentation.';

const LIST_JS = String.raw`
(async () => {
  try {
    const res = await api('GET', '/graph/api/serviceaccounts/search?perpage=30&page=1&query=');
    const rows = res.serviceAccounts;
    document.getElementById('cta').hidden = rows.length > 0;
    document.getElementById('table-wrap').hidden = rows.length === 0;
    document.getElementById('accounts').innerHTML = rows.map((sa) =>
      '<tr><td><a href="/graph/org/serviceaccounts/' + sa.id + '">' + escapeHtml(sa.name) + '</a></td><td>' + escapeHtml(sa.login) +
      '</td><td>' + escapeHtml(sa.role) + '</td><td>' + sa.tokens + '</td></tr>').join('');
  } catch (e) {
    document.getElementById('denied').textContent = e.message;
  }
})();
`;

/** `GET /graph/org/serviceaccounts`. Only org admins get "Add service account" (grafana-auth §5.3: `serviceaccounts:*` is org Admin's). */
export function serviceAccountsPage(deps: AppDeps) {
  return function serviceAccountsPage(c: Ctx): Response {
    const user = pageUser(c, deps);
    if (!user) return toLogin(c);
    const add =
      user.orgRole === 'Admin' ? '<a class="btn" href="/graph/org/serviceaccounts/create">Add service account</a>' : '';
    const main = `<h1>Service accounts</h1><p class="sub">${esc(SUBTITLE)}</p>
<div class="inline" style="justify-content:flex-end;margin-bottom:12px">${add}</div>
<div id="cta" class="cta" hidden><p style="font-size:18px;color:#fff">You haven't created any service accounts yet.</p><p class="muted">ProTip: Remember, you can provide specific permissions for API access to other applications.</p></div>
<div id="table-wrap" hidden><table><thead><tr><th>Account</th><th>ID</th><th>Roles</th><th>Tokens</th></tr></thead><tbody id="accounts"></tbody></table></div>
<p class="error" id="denied"></p>`;
    const script = `${bootData(user)}${CLIENT_JS}${LIST_JS}`;
    return c.html(page({ title: 'Service accounts', profile: deps.profile, user, active: ACTIVE, main, script }));
  };
}

const CREATE_JS = String.raw`
const form = document.getElementById('create-sa');
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const name = form.name.value;
  document.getElementById('name-error').textContent = name ? '' : 'Display name is required';
  if (!name) return;
  try {
    const sa = await api('POST', '/graph/api/serviceaccounts', { name, role: form.role.value, isDisabled: false });
    window.location.assign('/graph/org/serviceaccounts/' + sa.id);
  } catch (e) {}
});
`;

/** `GET /graph/org/serviceaccounts/create`: display name (required) and role (default Viewer). */
export function createServiceAccountPage(deps: AppDeps) {
  return function createServiceAccountPage(c: Ctx): Response {
    const user = pageUser(c, deps);
    if (!user) return toLogin(c);
    const options = deps.profile.keyRoles
      .map((r) => `<option value="${r}"${r === 'Viewer' ? ' selected' : ''}>${r}</option>`)
      .join('');
    const main = `<h1>Create service account</h1><form id="create-sa" class="panel" novalidate>
<div class="field"><label for="display-name-input">Display name</label><input id="display-name-input" name="name" style="width:360px"><div class="error" id="name-error"></div></div>
<div class="field"><label for="role-select">Role</label><select id="role-select" name="role">${options}</select></div>
<button type="submit">Create</button></form>`;
    const script = `${bootData(user)}${CLIENT_JS}${CREATE_JS}`;
    return c.html(page({ title: 'Create service account', profile: deps.profile, user, active: ACTIVE, main, script }));
  };
}

const ACCOUNT_JS = String.raw`
const base = '/graph/api/serviceaccounts/' + boot.id;
let account = null;
async function load() {
  try {
    account = await api('GET', base);
  } catch (e) {
    document.getElementById('denied').textContent = e.message;
    return;
  }
  document.getElementById('title').textContent = account.name;
  document.getElementById('info').innerHTML = '<tr><th>Name</th><td>' + escapeHtml(account.name) + '</td></tr><tr><th>ID</th><td>' + escapeHtml(account.login) +
    '</td></tr><tr><th>Roles</th><td>' + escapeHtml(account.role) + '</td></tr><tr><th>Creation date</th><td>' + escapeHtml(formatDate(account.createdAt)) + '</td></tr>';
  const tokens = await api('GET', base + '/tokens');
  document.getElementById('tokens').innerHTML = tokens.map((t) =>
    '<tr><td>' + escapeHtml(t.name) + '</td><td>' + (t.expiration ? escapeHtml(formatDate(t.expiration)) : 'Never') + '</td><td>' + escapeHtml(formatDate(t.created)) +
    '</td><td>' + (t.lastUsedAt ? escapeHtml(formatDate(t.lastUsedAt)) : 'Never') + '</td><td>' + (boot.canManage ? '<button class="danger" aria-label="Delete service account token ' + escapeHtml(t.name) + '" data-delete="' + t.id + '">×</button>' : '') + '</td></tr>').join('');
}
document.getElementById('tokens').addEventListener('click', async (ev) => {
  const id = ev.target.dataset && ev.target.dataset.delete;
  if (id && window.confirm('Delete service account token?')) { await api('DELETE', base + '/tokens/' + id); await load(); }
});
function tomorrow() { const d = new Date(Date.now() + 86400000); return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()); }
function openTokenModal() {
  const modal = document.createElement('div');
  modal.className = 'modal-backdrop';
  const suggested = account.login + '-' + Math.random().toString(16).slice(2, 10);
  modal.innerHTML = '<div class="modal" role="dialog" aria-labelledby="token-title"><header><h2 id="token-title">Add service account token</h2><button class="secondary" aria-label="Close dialog" data-close>×</button></header><div class="body">' +
    '<div class="field"><label for="tokenName">Display name</label><div class="desc">Name to easily identify the token</div><input id="tokenName" style="width:100%" value="' + escapeHtml(suggested) + '"><div class="error" id="token-name-error"></div></div>' +
    '<div class="field"><label>Expiration</label><div class="radio" role="radiogroup"><label><input type="radio" name="exp" value="none" checked><span>No expiration</span></label><label><input type="radio" name="exp" value="date"><span>Set expiration date</span></label></div></div>' +
    '<div class="field" id="date-field" hidden><label for="expiration-date">Expiration date</label><input id="expiration-date" type="date" min="' + tomorrow() + '"></div>' +
    '<button data-generate>Generate token</button></div></div>';
  const body = modal.querySelector('.body');
  modal.addEventListener('change', () => {
    const withDate = modal.querySelector('input[name=exp]:checked').value === 'date';
    modal.querySelector('#date-field').hidden = !withDate;
    modal.querySelector('[data-generate]').disabled = withDate && !modal.querySelector('#expiration-date').value;
  });
  modal.addEventListener('click', async (ev) => {
    const t = ev.target;
    if (t === modal || t.matches('[data-close]')) { modal.remove(); await load(); }
    else if (t.matches('[data-copy]')) {
      copyFrom(modal.querySelector('#token-value'), t, t.textContent);
      if (t.dataset.copy === 'close') { modal.remove(); await load(); }
    }
    else if (t.matches('[data-generate]')) {
      const name = modal.querySelector('#tokenName').value;
      modal.querySelector('#token-name-error').textContent = name ? '' : 'Display name is required';
      if (!name) return;
      const date = modal.querySelector('input[name=exp]:checked').value === 'date' ? modal.querySelector('#expiration-date').value : '';
      const secondsToLive = date ? Math.ceil((new Date(date + 'T00:00:00').getTime() - Date.now()) / 1000) : undefined;
      let created;
      try { created = await api('POST', base + '/tokens', { name, secondsToLive }); } catch (e) { return; }
      modal.querySelector('#token-title').textContent = 'Service account token created';
      body.innerHTML = '<div class="field"><label for="token-value">Token</label><div class="desc">' + escapeHtml(TOKEN_ONCE) + '</div><div class="keybox"><input id="token-value" readonly value="' + escapeHtml(created.key) + '"><button data-copy>Copy clipboard</button></div></div>' +
        '<button data-copy="close">Copy to clipboard and close</button> <button class="secondary" data-close>Close</button>';
    }
  });
  document.body.appendChild(modal);
}
document.getElementById('add-token').addEventListener('click', openTokenModal);
load();
`;

/** `GET /graph/org/serviceaccounts/:id`: the account, its tokens, "Add service account token" (org admins). */
export function serviceAccountPage(deps: AppDeps) {
  return function serviceAccountPage(c: Ctx): Response {
    const user = pageUser(c, deps);
    if (!user) return toLogin(c);
    const id = Number(c.req.param('id'));
    const canManage = user.orgRole === 'Admin';
    const add = canManage
      ? '<button id="add-token">Add service account token</button>'
      : '<span id="add-token"></span>';
    const main = `<h1 id="title">Service account</h1><p class="sub"><a href="/graph/org/serviceaccounts">Service accounts</a></p>
<table style="max-width:600px;margin-bottom:24px"><tbody id="info"></tbody></table>
<div class="inline" style="justify-content:space-between"><h2 style="font-size:20px;font-weight:400;color:#fff">Tokens</h2>${add}</div>
<table><thead><tr><th>Name</th><th>Expires</th><th>Created</th><th>Last used at</th><th></th></tr></thead><tbody id="tokens"></tbody></table>
<p class="error" id="denied"></p>`;
    const script = `${bootData(user, { id, canManage })}const TOKEN_ONCE = ${JSON.stringify(TOKEN_ONCE_WARNING)};${CLIENT_JS}${ACCOUNT_JS}`;
    return c.html(page({ title: 'Service account', profile: deps.profile, user, active: ACTIVE, main, script }));
  };
}
