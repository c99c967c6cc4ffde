import MarkdownIt from 'markdown-it';

/**
 * Help pages' Markdown to HTML, safely: raw HTML in the text is shown as text, never run, and
 * markdown-it refuses javascript:, vbscript: and data: links (except images).
 */
const markdown = new MarkdownIt({ html: false, linkify: true });

export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
