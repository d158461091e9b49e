/** The HTML of the sandbox's Threads login and consent pages (real forms, driven by tests with fetch). */
import { html, page } from '../core/html.ts';

const BRAND = 'Threads (sandbox)';

const SCOPE_TEXT: Record<string, string> = {
  threads_basic: 'See your Threads profile and posts',
  threads_content_publish: 'Publish posts, replies and reposts for you',
  threads_read_replies: 'Read replies to your posts',
  threads_manage_replies: 'Hide and manage replies to your posts',
  threads_manage_insights: 'See insights about your posts',
  threads_keyword_search: 'Search public posts by keyword',
  threads_profile_discovery: 'Look up public profiles and their posts',
  threads_manage_mentions: 'See posts that mention you',
  threads_delete: 'Delete your posts',
};

export function loginPage(authorizeParams: Record<string, string>, appName: string, error?: string, demo?: { username: string; password: string }): string {
  const hidden = Object.entries(authorizeParams).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return page(
    BRAND,
    'Log in',
    html`<h1>Log in to continue to ${appName}</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${demo ? html`<p class="demo">Sandbox demo: the demo account is filled in, and one click logs in and allows ${appName}.</p>` : ''}
<form method="post" action="/oauth/authorize/login">
${hidden}
${demo ? html`<input type="hidden" name="demo_allow" value="1">` : ''}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" value="${demo?.username ?? ''}" required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" value="${demo?.password ?? ''}" required>
<div class="actions"><button class="primary" type="submit">${demo ? 'Log in and allow' : 'Log in'}</button></div>
</form>`,
  );
}

export function consentPage(session: string, username: string, appName: string, scopes: readonly string[]): string {
  return page(
    BRAND,
    'Allow access',
    html`<h1>Allow ${appName} to access your Threads account?</h1>
<p>Logged in as <strong>@${username}</strong>. ${appName} will be able to:</p>
<ul class="scopes">${scopes.map((scope) => html`<li data-scope="${scope}">${SCOPE_TEXT[scope] ?? scope} <span class="note">(${scope})</span></li>`)}</ul>
<form method="post" action="/oauth/authorize/consent">
<input type="hidden" name="session" value="${session}">
<div class="actions">
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
  );
}

export function errorPage(message: string): string {
  return page(BRAND, 'Error', html`<h1>Something went wrong</h1><p class="error" role="alert">${message}</p>`);
}
