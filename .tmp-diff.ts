import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { htmlToText as oldT } from '/tmp/i11core/html-text-old';
import { htmlToText as newT } from './electron/core/send/html-text';
import { walkMime, decodeLeaf } from './electron/core/message/mime';
function* files(d: string): Generator<string> { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) yield* files(p); else if (/\.(eml|msg|txt|mbox)$/i.test(f) || !f.includes('.')) yield p; } }
let n = 0, same = 0; const diffs: string[] = [];
for (const f of files('test/fixtures')) {
  let leaves; const raw = readFileSync(f);
  try { leaves = walkMime(raw).leaves; } catch { continue; }
  for (const l of leaves) if (l.type === 'text/html') {
    const html = decodeLeaf(raw, l); n++;
    const a = oldT(html), b = newT(html);
    if (a === b) same++; else diffs.push(`=== ${f}\n--- old\n${a.slice(0, 1500)}\n--- new\n${b.slice(0, 1500)}`);
  }
}
console.log(n, 'html parts', same, 'same');
console.log(diffs.join('\n'));
