/**
 * The plain JavaScript every page of the mock's UI shares (issue 17), sent inline: it calls the
 * same `/graph/api` endpoints a curl user calls, with the browser's session cookie, so a key made
 * in the UI is a key made by the API. No framework, no build step.
 *
 * - `X-Grafana-Org-Id`: Grafana's frontend names the current org on each API request; for a user
 *   the header selects the org (grafana-auth §6.1). The mock has org 1 only.
 * - Errors: Grafana's frontend shows a failed request's JSON `message` in an error toast
 *   (UNVERIFIED: the reference has no UI section), e.g. "API key, organization ID and name must
 *   be unique" (grafana-auth §1.3) or "bad request data" (grafana-auth §1.3 step 1).
 */
export const CLIENT_JS = String.raw`
const ORG_ID = 1;
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (ch) => '&#' + ch.charCodeAt(0) + ';');
}
function toast(kind, title, text) {
  const box = document.createElement('div');
  box.className = 'alert alert-' + kind;
  box.setAttribute('role', 'alert');
  box.innerHTML = '<div class="title">' + escapeHtml(title) + '</div>' + (text ? '<div>' + escapeHtml(text) + '</div>' : '');
  document.getElementById('toasts').appendChild(box);
  setTimeout(() => box.remove(), 8000);
}
async function api(method, path, body) {
  const headers = { 'X-Grafana-Org-Id': String(ORG_ID) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await res.json();
  } catch (e) {}
  if (!res.ok) {
    const message = (data && data.message) || res.statusText || 'Unknown error';
    toast('error', message);
    const err = new Error(message);
    err.status = res.status;
    throw err;
  }
  return data;
}
function copyFrom(input, button, label) {
  input.select();
  const done = () => {
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = label), 2000);
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, () => { document.execCommand('copy'); done(); });
  else { document.execCommand('copy'); done(); }
}
function pad(n) {
  return String(n).padStart(2, '0');
}
function formatDate(iso) {
  const d = new Date(iso);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}
`;
