/** Tiny HTML helpers for the sandbox's login and consent pages. Every value is escaped. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A tagged template that escapes every interpolation unless it is already `SafeHtml`. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item instanceof SafeHtml) out += item.value;
      else if (item !== undefined && item !== null && item !== false) out += escapeHtml(String(item));
    }
    out += strings[index + 1] ?? '';
  });
  return new SafeHtml(out);
}

/** A whole page with the sandbox's plain styling; `brand` names the server in the title. */
export function page(brand: string, title: string, body: SafeHtml): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${brand}</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 26rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
  h1 { font-size: 1.4rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; padding: .5rem; box-sizing: border-box; font: inherit; }
  .actions { display: flex; gap: .5rem; margin-top: 1.25rem; }
  button { font: inherit; padding: .5rem 1rem; border-radius: .4rem; border: 1px solid currentColor; cursor: pointer; }
  button.primary { background: #3b5bdb; color: white; border-color: #3b5bdb; }
  .error { color: #c92a2a; }
  .note { color: GrayText; font-size: .9rem; }
  img, video { max-width: 100%; height: auto; border-radius: .4rem; }
  code.code { display: block; font-size: 1.2rem; padding: .75rem; border: 1px dashed currentColor; word-break: break-all; }
</style>
</head>
<body>
<p class="note">${brand} — sandbox server for Braid's tests</p>
${body}
</body>
</html>`.value;
}
