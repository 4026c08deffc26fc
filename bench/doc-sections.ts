/**
 * Generated sections inside hand-written docs: each benchmark owns the text between
 * `<!-- name:start -->` and `<!-- name:end -->` and replaces only that, so several benchmarks (and
 * people) can share one page.
 */

export function sectionMarkers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/**
 * `doc` with section `name` replaced by `section`, or with the markers and the section appended at
 * its end when it has none. Throws when only one marker is there, or they are out of order.
 */
export function withSection(doc: string, name: string, section: string): string {
  const { start: open, end: close } = sectionMarkers(name);
  const block = `${open}\n${section.trimEnd()}\n${close}`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close, start);
  if (start !== -1 && end !== -1) return doc.slice(0, start) + block + doc.slice(end + close.length);
  if (start !== -1 || doc.includes(close)) {
    throw new Error(`the ${name} markers are broken: expected ${open} ... ${close} in that order`);
  }
  return `${doc.trimEnd()}\n\n${block}\n`;
}
