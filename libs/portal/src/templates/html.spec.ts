import { escapeHtml, html, SafeHtml } from './html';

describe('html template tag', () => {
  it('escapes every interpolated string, number and array item', () => {
    const evil = `<script>alert("x")</script>'&\``;
    const out = html`<p title="${evil}">${evil}${[evil, 1]}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;&#96;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;&#96;'.repeat(2) +
        '1</p>',
    );
  });

  it('nests SafeHtml without double escaping and drops null/undefined/booleans', () => {
    const inner = html`<b>${'a&b'}</b>`;
    expect(html`<i>${inner}${null}${undefined}${false}${true}</i>`.value).toBe('<i><b>a&amp;b</b></i>');
    expect(inner).toBeInstanceOf(SafeHtml);
    expect(String(inner)).toBe('<b>a&amp;b</b>');
  });

  it('escapeHtml leaves plain text alone', () => {
    expect(escapeHtml('Café 123')).toBe('Café 123');
  });
});
