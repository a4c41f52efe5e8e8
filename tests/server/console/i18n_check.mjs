// The console's words: both translation files hold the same keys, every key the page and the
// script use is in them, and neither the page nor the script writes words of its own.
// Usage: node i18n_check.mjs CONSOLE_DIR
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const dir = process.argv[2];
const read = (name) => readFileSync(`${dir}/${name}`, 'utf8');
const id = JSON.parse(read('i18n/id.json'));
const en = JSON.parse(read('i18n/en.json'));
const problems = [];

const keys = (o) => Object.keys(o).filter((k) => !k.startsWith('_')).sort();
assert.deepEqual(keys(id), keys(en), 'id.json and en.json have different keys');
for (const [name, strings] of [['id', id], ['en', en]]) {
  for (const key of keys(strings)) {
    if (typeof strings[key] !== 'string' || !strings[key].trim()) problems.push(`${name}: ${key} is empty`);
  }
}
// Placeholders agree: a {name} in one language is in the other.
for (const key of keys(id)) {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  if (names(id[key]) !== names(en[key])) problems.push(`${key}: placeholders differ`);
}

const script = read('console.js') + '\n' + read('board.js');
const used = [...script.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]);
for (const [, prefix, name] of script.matchAll(/translated\('(\w+)', '(\w+)'\)/g)) used.push(`${prefix}.${name}`);
for (const [, a, b] of script.matchAll(/'([\w.]+)' : '([\w.]+)'/g)) used.push(a, b);
const page = read('index.html');
for (const [, key] of page.matchAll(/data-i18n(?:-placeholder|-aria)?="([\w.]+)"/g)) used.push(key);
for (const key of used) {
  if (key.includes('.') && !(key in id)) problems.push(`${key} is used but not translated`);
}
assert.ok(used.length > 40, `only ${used.length} keys found: is the check still reading the code?`);

// No words of the script's own: nothing but t(…), data or numbers goes into textContent, titles,
// prompts and statuses.
for (const [line, text] of script.split('\n').entries()) {
  if (/(textContent|placeholder|title)\s*=\s*['"`][A-Za-z]{2}/.test(text) ||
      /(setStatus|prompt)\(\s*['"`][A-Za-z]/.test(text)) {
    problems.push(`console.js+board.js:${line + 1}: words outside the translation files: ${text.trim()}`);
  }
}
// The page's visible text, once the translated elements are taken out, is names only.
const visible = page.replace(/<(script|style|head)[\s\S]*?<\/\1>/g, '').replace(/<!--[\s\S]*?-->/g, '')
  .replace(/<[^>]+>/g, ' ').split(/\s+/).filter((w) => w);
const allowed = new Set(['Siaga', '(BPBD)']);
for (const word of visible) if (!allowed.has(word)) problems.push(`index.html: untranslated "${word}"`);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(JSON.stringify({ ok: true, keys: keys(id).length, used: new Set(used).size }));
