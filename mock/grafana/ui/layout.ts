/**
 * The page shell of the mock's Grafana-shaped UI (issue 17): one server-rendered HTML page with
 * Grafana's side menu, written here, not copied from Grafana (no Grafana asset, no build chain).
 * Labels and their order follow what PMM's docs name (seeds/pmm-api-keys.txt step 2:
 * "Configuration → API keys"; PMM 3: "Administration → Users and access → Service accounts");
 * the other entries are Grafana 9.2's / 11.1's menus as the mock remembers them (UNVERIFIED:
 * the reference has no UI section). The look is Grafana's dark theme in broad strokes.
 */
import type { OrgRole, Profile } from '../../profiles/types.ts';
import { MAIN_ORG_NAME } from '../answers.ts';

export interface PageUser {
  readonly login: string;
  readonly orgRole: OrgRole;
  readonly isGrafanaAdmin: boolean;
}

/** HTML-escapes text for an element or a double-quoted attribute. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A value for a page's inline script (`</script>` cannot end it early). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 Inter,Helvetica,Arial,sans-serif;background:#111217;color:#ccccdc;display:flex;min-height:100vh}
a{color:#6e9fff;text-decoration:none}a:hover{text-decoration:underline}
.sidemenu{width:220px;background:#181b1f;border-right:1px solid #2c3235;padding:8px 0;flex:none}
.sidemenu .brand{display:block;padding:8px 16px 16px;color:#fff;font-weight:600}
.sidemenu ul{list-style:none;margin:0;padding:0}.sidemenu li>a,.sidemenu summary{display:block;padding:6px 16px;color:#ccccdc;cursor:pointer}
.sidemenu li>a:hover,.sidemenu summary:hover{background:#22252b;text-decoration:none}
.sidemenu .active>a{color:#fff;border-left:3px solid #f55f3e}
.sidemenu .item{position:relative}.sidemenu .flyout{display:none;position:absolute;left:100%;top:0;min-width:200px;background:#22252b;border:1px solid #2c3235;z-index:10}
.sidemenu .item:hover .flyout,.sidemenu .item:focus-within .flyout{display:block}
.flyout .head{padding:8px 16px;color:#fff;font-weight:600;border-bottom:1px solid #2c3235}.flyout .head small{display:block;color:#8e8e8e;font-weight:400}
.sidemenu details ul{padding-left:14px}
main{flex:1;padding:24px 32px;max-width:1100px}h1{font-size:28px;font-weight:400;margin:0 0 4px;color:#fff}.sub{color:#8e8e8e;margin:0 0 16px}
.tabs{display:flex;gap:4px;border-bottom:1px solid #2c3235;margin-bottom:24px}.tabs a{padding:8px 12px;color:#ccccdc}.tabs a.active{color:#fff;border-bottom:2px solid #f55f3e}
button,.btn{font:inherit;padding:6px 14px;border-radius:2px;border:1px solid transparent;background:#3d71d9;color:#fff;cursor:pointer}
button:disabled{opacity:.5;cursor:not-allowed}button.secondary{background:#2c3235;color:#ccccdc}button.danger{background:#d10e5c}
input,select{font:inherit;padding:6px 8px;background:#111217;border:1px solid #34373d;color:#ccccdc;border-radius:2px}
label{display:block;margin:0 0 4px;color:#fff}.field{margin-bottom:16px}.field .desc{color:#8e8e8e;font-size:12px}
.inline{display:flex;gap:12px;align-items:flex-end;flex-wrap:wrap}
.error{color:#ff5286;font-size:12px;margin-top:4px}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:8px;border-bottom:1px solid #2c3235}th{color:#fff;font-weight:500}
.panel{background:#181b1f;border:1px solid #2c3235;padding:16px;margin-bottom:24px;position:relative}
.cta{text-align:center;padding:48px;background:#181b1f;border:1px dashed #34373d}
.alert{padding:12px 16px;border-radius:2px;margin:12px 0}.alert-info{background:#1f3a63;color:#fff}.alert-error{background:#8a1c3d;color:#fff}.alert-success{background:#1a7f4b;color:#fff}
.alert .title{font-weight:600}
.toasts{position:fixed;top:16px;right:16px;width:360px;z-index:100}
.modal-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.7);display:flex;align-items:flex-start;justify-content:center;padding-top:10vh;z-index:50}
.modal{background:#181b1f;border:1px solid #34373d;width:720px;max-width:95vw}.modal header{display:flex;justify-content:space-between;padding:12px 16px;border-bottom:1px solid #2c3235}
.modal header h2{margin:0;font-size:18px;font-weight:400;color:#fff}.modal .body{padding:16px}
.keybox{display:flex}.keybox input{flex:1;font-family:monospace}pre{background:#111217;padding:8px;white-space:pre-wrap;word-break:break-all;font-size:12px}
.tip{display:inline-block;margin-left:4px;width:16px;height:16px;border-radius:50%;background:#34373d;color:#fff;text-align:center;font-size:11px;line-height:16px;cursor:help;position:relative}
.tip .tiptext{display:none;position:absolute;bottom:22px;left:-100px;width:260px;background:#2c3235;color:#fff;padding:8px;font-size:12px;line-height:1.4;z-index:20;text-align:left}
.tip:hover .tiptext,.tip:focus .tiptext{display:block}
.muted{color:#8e8e8e}.radio{display:inline-flex;gap:0}.radio label{display:inline-block;padding:6px 12px;border:1px solid #34373d;margin:0;cursor:pointer;color:#ccccdc}.radio input{display:none}.radio input:checked+span{color:#fff}
`;

interface MenuLink {
  readonly label: string;
  readonly href: string;
  readonly children?: readonly MenuLink[];
}

/** Grafana 9.2's Configuration pages: the menu's flyout and the page's tabs. */
const CONFIGURATION_PAGES: readonly (readonly [label: string, href: string])[] = [
  ['Data sources', '/graph/datasources'],
  ['Users', '/graph/org/users'],
  ['Teams', '/graph/org/teams'],
  ['Plugins', '/graph/plugins'],
  ['Preferences', '/graph/org'],
  ['API keys', '/graph/org/apikeys'],
];

/** The first entries of both menus. */
const TOP: readonly MenuLink[] = [
  { label: 'Home', href: '/graph/' },
  { label: 'Dashboards', href: '/graph/dashboards' },
  { label: 'Explore', href: '/graph/explore' },
];

/** Grafana 9.2's side menu (PMM 2.41): Configuration's flyout holds API keys (seeds step 2). Org admins only, as Grafana hides it (LIKELY). */
function menu9(user: PageUser): MenuLink[] {
  const items: MenuLink[] = [...TOP, { label: 'Alerting', href: '/graph/alerting/list' }];
  if (user.orgRole === 'Admin')
    items.push({
      label: 'Configuration',
      href: '/graph/datasources',
      children: CONFIGURATION_PAGES.map(([label, href]) => ({ label, href })),
    });
  if (user.isGrafanaAdmin) items.push({ label: 'Server Admin', href: '/graph/admin/users' });
  return items;
}

/** Grafana 11.1's menu (PMM 3): Administration → Users and access → Service accounts (PMM 3 docs' path). */
function menu11(user: PageUser): MenuLink[] {
  const items: MenuLink[] = [...TOP, { label: 'Alerting', href: '/graph/alerting' }];
  if (user.orgRole === 'Admin' || user.isGrafanaAdmin)
    items.push({
      label: 'Administration',
      href: '/graph/admin',
      children: [
        { label: 'General', href: '/graph/admin/general' },
        { label: 'Plugins and data', href: '/graph/admin/plugins' },
        {
          label: 'Users and access',
          href: '/graph/admin/access',
          children: [
            { label: 'Users', href: '/graph/admin/users' },
            { label: 'Teams', href: '/graph/org/teams' },
            { label: 'Service accounts', href: '/graph/org/serviceaccounts' },
          ],
        },
      ],
    });
  return items;
}

function link(l: MenuLink, active: string): string {
  return `<li class="${l.href === active ? 'active' : ''}"><a href="${esc(l.href)}">${esc(l.label)}</a></li>`;
}

/** 9.2: a flyout on hover whose head names the org (Grafana's "Organization: Main Org."); 11.1: nested sections that expand. */
function renderMenu(profile: Profile, user: PageUser, active: string): string {
  const megaMenu = profile.serviceAccounts !== null;
  const render = (l: MenuLink): string => {
    if (!l.children) return link(l, active);
    if (megaMenu) {
      const open = JSON.stringify(l.children).includes(`"${active}"`) ? ' open' : '';
      return `<li><details${open}><summary>${esc(l.label)}</summary><ul>${l.children.map(render).join('')}</ul></details></li>`;
    }
    const head = `<div class="head">${esc(l.label)}<small>Organization: ${esc(MAIN_ORG_NAME)}</small></div>`;
    return `<li class="item"><a href="${esc(l.href)}">${esc(l.label)}</a><ul class="flyout">${head}${l.children.map(render).join('')}</ul></li>`;
  };
  const items = (megaMenu ? menu11(user) : menu9(user)).map(render).join('');
  const account = `<li><a href="/graph/profile">${esc(user.login)}</a></li><li><a href="/graph/logout">Sign out</a></li>`;
  return `<nav class="sidemenu" aria-label="Side menu"><a class="brand" href="/graph/">PMM</a><ul>${items}</ul><ul>${account}</ul></nav>`;
}

/** A whole page: side menu (when signed in), the main content, and an optional inline script. */
export function page(opts: {
  readonly title: string;
  readonly profile: Profile;
  readonly user: PageUser | null;
  readonly active?: string;
  readonly main: string;
  readonly script?: string;
}): string {
  const nav = opts.user ? renderMenu(opts.profile, opts.user, opts.active ?? '') : '';
  const script = opts.script ? `<script>${opts.script}</script>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(opts.title)} - Grafana</title><style>${CSS}</style></head><body>${nav}<main>${opts.main}</main><div class="toasts" id="toasts" role="status"></div>${script}</body></html>\n`;
}

/** Grafana 9.2's Configuration page header and tabs (org admin pages). */
export function configurationHeader(active: string): string {
  const links = CONFIGURATION_PAGES.map(
    ([label, href]) => `<a href="${href}" class="${href === active ? 'active' : ''}">${label}</a>`,
  ).join('');
  return `<h1>Configuration</h1><p class="sub">Organization: ${esc(MAIN_ORG_NAME)}</p><nav class="tabs">${links}</nav>`;
}
