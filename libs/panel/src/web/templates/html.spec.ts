import { html, SafeHtml } from './html';

describe('html``', () => {
  it('escapes every interpolated value, nested templates stay markup', () => {
    const name = `<img src=x onerror="alert('1')">`;
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;</p>');
    // Called through another name, so the formatter leaves the template's bytes alone.
    const tag = html;
    expect(tag`<ul>${['a&b', tag`<li>${'<b>'}</li>`]}</ul>`.value).toBe('<ul>a&amp;b<li>&lt;b&gt;</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(html`x` instanceof SafeHtml).toBe(true);
  });
});
