import { describe, expect, it } from 'vitest';
import { canonicalKey, decodeEntities, escapeHtml, hostKey, htmlToLinkText, stripQuoteFallback, threadsTextToHtml } from '../../../../electron/core/timeline/text';

describe('htmlToLinkText', () => {
  it('strips tags, decodes named and numeric entities, and lower-cases', () => {
    expect(htmlToLinkText('<p>Fish &amp; Chips &#39;n&#x27; <b>M&Uuml;SHY</b> peas &#128512;</p>')).toBe("fish & chips 'n' m&uuml;shy peas 😀");
    expect(htmlToLinkText('<p>a &lt;b&gt; tag &quot;quoted&quot;</p>')).toBe('a <b> tag "quoted"');
  });

  it('treats line breaks and paragraph ends as spaces, and collapses whitespace', () => {
    expect(htmlToLinkText('<p>one<br>two<br />three</p><p>four</p>\n\n<p>  five&nbsp;&nbsp;six </p>')).toBe('one two three four five six');
  });

  it("joins Mastodon's split link spans back into the URL", () => {
    const mastodon =
      '<p>Read <a href="https://example.com/a/very/long/path/to/an/article" rel="nofollow noopener" target="_blank">' +
      '<span class="invisible">https://</span><span class="ellipsis">example.com/a/very/long/path/t</span>' +
      '<span class="invisible">o/an/article</span></a> now #<span>Birds</span></p>';
    expect(htmlToLinkText(mastodon)).toBe('read https://example.com/a/very/long/path/to/an/article now #birds');
  });

  it('composes Unicode to NFC so precomposed and decomposed accents compare equal', () => {
    expect(htmlToLinkText('Cafe\u0301 au lait')).toBe(htmlToLinkText('Caf\u00e9 au lait'));
  });

  it('drops comments and script contents, and leaves unknown entities as written', () => {
    expect(htmlToLinkText('<p>hi<!-- x --><script>alert(1)</script> &bogus; there</p>')).toBe('hi &bogus; there');
    expect(decodeEntities('&#0; &#xD800; &#65;')).toBe('&#0; &#xD800; A');
  });

  it('removes the Mastodon 4.4 quote fallback paragraph', () => {
    const html = '<p class="quote-inline">RE: <a href="https://a.example/@x/1">https://a.example/@x/1</a></p><p>My take on this</p>';
    expect(htmlToLinkText(stripQuoteFallback(html))).toBe('my take on this');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('threadsTextToHtml', () => {
  it('escapes markup, keeps mentions and tags as text, and wraps in a paragraph', () => {
    expect(threadsTextToHtml('<b>bold</b> @bob #cats')).toBe('<p>&lt;b&gt;bold&lt;/b&gt; @bob #cats</p>');
  });

  it('links http(s) URLs without trailing punctuation, and only those', () => {
    expect(threadsTextToHtml('See https://example.com/a?b=1&c=2. And javascript:alert(1) or ftp://x.y')).toBe(
      '<p>See <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" target="_blank">https://example.com/a?b=1&amp;c=2</a>.' +
        ' And javascript:alert(1) or ftp://x.y</p>',
    );
  });

  it('cannot be broken out of an attribute by a quote in a URL', () => {
    const html = threadsTextToHtml('https://example.com/"onmouseover="alert(1)');
    expect(html).not.toContain('"onmouseover');
    expect(html).toContain('<a href="https://example.com/"');
  });

  it('turns newlines into <br> and blank lines into paragraphs', () => {
    expect(threadsTextToHtml('line one\nline two\r\n\r\nnext paragraph\n')).toBe('<p>line one<br>line two</p><p>next paragraph</p>');
  });

  it('gives an empty string for empty text', () => {
    expect(threadsTextToHtml('  \n ')).toBe('');
  });
});

describe('canonicalKey', () => {
  it('ignores scheme, www., host case, default ports, query, fragment and trailing slashes', () => {
    const key = 'threads.net/@alice/post/C0dEx';
    for (const url of [
      'https://www.threads.net/@alice/post/C0dEx',
      'http://threads.net/@alice/post/C0dEx/',
      'https://WWW.Threads.NET:443/@alice/post/C0dEx?xmt=AQGz#top',
      'http://threads.net:80/@alice/post/C0dEx//',
    ])
      expect(canonicalKey(url), url).toBe(key);
  });

  it('keeps the path case and non-default ports (ids are case-sensitive)', () => {
    expect(canonicalKey('http://127.0.0.1:4100/ap/users/17/post/99/')).toBe('127.0.0.1:4100/ap/users/17/post/99');
    expect(canonicalKey('https://threads.net/@alice/post/ABC')).not.toBe(canonicalKey('https://threads.net/@alice/post/abc'));
  });

  it('folds threads.com into threads.net, which Threads uses interchangeably', () => {
    expect(canonicalKey('https://www.threads.com/@alice/post/X')).toBe(canonicalKey('https://threads.net/@alice/post/X'));
    expect(hostKey('WWW.Threads.com')).toBe('threads.net');
  });

  it('returns null for anything that is not an http(s) URL', () => {
    for (const value of [null, undefined, '', 'not a url', '/relative/path', 'javascript:alert(1)', 'tag:example.com,2023:status/1', 'ftp://x.y/z'])
      expect(canonicalKey(value), String(value)).toBeNull();
  });
});
