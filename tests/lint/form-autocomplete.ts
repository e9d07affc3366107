import ts from 'typescript';

/**
 * Chromium keeps what a field held in the profile: typed values in its autofill database
 * ("Web Data") when a form is submitted, and every field's value in its session-restore files
 * ("Sessions/*") a second after each change, readable by whoever copies the profile
 * (THREAT_MODEL.md "A copy of the browser profile"). `autocomplete="off"` keeps a field out of
 * both (tests/e2e/profile-leaks.test.ts). So every <input> and <textarea> that can hold text
 * says so explicitly: "off", or, on a passphrase field, the password token that lets a
 * password manager offer to save it, which is the person's choice.
 */

/** Input types that hold no text a person types (checked state, a chosen file, a number on a slider). */
const NO_TEXT = new Set(['checkbox', 'radio', 'file', 'range', 'color', 'button', 'submit', 'reset', 'image', 'hidden']);
const PASSWORD_TOKENS = new Set(['current-password', 'new-password']);

type Attr = { kind: 'absent' } | { kind: 'spread' } | { kind: 'values'; values: string[]; static: boolean };

/** The string values an attribute can take: a literal, or the literals of an expression (`a ? 'x' : 'y'`). */
function attrValues(attributes: ts.JsxAttributes, name: string): Attr {
  let found: Attr = { kind: 'absent' };
  for (const attribute of attributes.properties) {
    if (ts.isJsxSpreadAttribute(attribute)) return { kind: 'spread' };
    if (attribute.name.getText().toLowerCase() !== name) continue;
    const init = attribute.initializer;
    if (!init) found = { kind: 'values', values: [''], static: true };
    else if (ts.isStringLiteral(init)) found = { kind: 'values', values: [init.text], static: true };
    else if (ts.isJsxExpression(init) && init.expression) {
      const e = init.expression;
      if (ts.isStringLiteralLike(e)) found = { kind: 'values', values: [e.text], static: true };
      else {
        const values: string[] = [];
        const walk = (node: ts.Node): void => {
          if (ts.isStringLiteralLike(node)) values.push(node.text);
          else ts.forEachChild(node, walk);
        };
        walk(e);
        found = { kind: 'values', values, static: false };
      }
    } else found = { kind: 'values', values: [], static: false };
  }
  return found;
}

/** Every <input> or <textarea> in one .tsx source whose autocomplete is missing or wrong, as `file:line <tag id>: why`. */
export function formAutocompleteProblems(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const problems: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) {
      const tag = node.tagName.getText();
      if (tag === 'input' || tag === 'textarea') {
        const why = problemOf(tag, node.attributes);
        if (why) {
          const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          const id = attrValues(node.attributes, 'id');
          const label = id.kind === 'values' && id.static ? ` id="${id.values[0]}"` : '';
          problems.push(`${fileName}:${line} <${tag}${label}>: ${why}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

function problemOf(tag: string, attributes: ts.JsxAttributes): string | undefined {
  const type = tag === 'textarea' ? { kind: 'values' as const, values: ['text'], static: true } : attrValues(attributes, 'type');
  if (type.kind === 'spread') return 'spread attributes hide whether autocomplete is set; write it out';
  const types = type.kind === 'absent' ? ['text'] : type.values;
  if (type.kind === 'values' && type.static && types.every((t) => NO_TEXT.has(t))) return undefined;
  if (type.kind === 'values' && !type.static && types.length === 0) return 'its type cannot be read; use literal types';
  const auto = attrValues(attributes, 'autocomplete');
  if (auto.kind === 'absent') return 'no autocomplete attribute (use autocomplete="off", or a password token on a passphrase field)';
  if (auto.kind !== 'values' || auto.values.length === 0) return 'its autocomplete value cannot be read; use literals';
  const password = types.includes('password');
  const allowed = (value: string) => value === 'off' || (password && PASSWORD_TOKENS.has(value));
  const wrong = auto.values.filter((v) => !allowed(v));
  if (wrong.length > 0) return `autocomplete "${wrong.join('", "')}" keeps it in the profile; use "off"${password ? ' or current-password / new-password' : ''}`;
  if (password && type.kind === 'values' && type.static && !auto.values.some((v) => PASSWORD_TOKENS.has(v))) return 'a passphrase field keeps its password token (current-password or new-password)';
  return undefined;
}
