/** Plurals English spells without a rule. */
const IRREGULAR: Readonly<Record<string, string>> = {
  mice: 'mouse', geese: 'goose', feet: 'foot', teeth: 'tooth', children: 'child', people: 'person', oxen: 'ox', dice: 'die',
};

/**
 * What a search word could be the plural of, most likely first: "puppies" -> puppy,
 * "knives" -> knife, knive, "buses" -> bus, buse, "women" -> woman. Unchecked: the
 * caller keeps the forms its index or table knows. Words under 4 letters are left alone
 * ("bus", "gas" are not plurals of "bu" and "ga").
 */
export function singularForms(word: string): string[] {
  if (word.length < 4) return [];
  const irregular = IRREGULAR[word];
  if (irregular) return [irregular];
  const forms: string[] = [];
  if (word.endsWith('men')) forms.push(`${word.slice(0, -3)}man`);
  if (word.endsWith('ies')) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('ves')) forms.push(`${word.slice(0, -3)}fe`, `${word.slice(0, -3)}f`);
  if (word.endsWith('es')) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) forms.push(word.slice(0, -1));
  return forms;
}
