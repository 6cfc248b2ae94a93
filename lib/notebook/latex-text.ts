/**
 * Text from the command line (the student's name) as LaTeX that prints exactly those
 * characters under XeLaTeX: the ten special characters become their text commands, and the
 * characters that fontspec's TeX ligatures would turn into typographic ones (' ` " - , < > !
 * ?) are cut off from each other so that they print as typed.
 */
export function latexText(text: string): string {
  let latex = '';
  for (const char of text) latex += SUBSTITUTES[char] ?? char;
  return latex;
}

const SUBSTITUTES: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  "'": '\\textquotesingle{}',
  '`': '\\textasciigrave{}',
  '"': '\\textquotedbl{}',
  '-': '{-}',
  ',': '{,}',
  '<': '{<}',
  '>': '{>}',
  '!': '{!}',
  '?': '{?}',
  '\n': ' ',
  '\r': ' ',
  '\t': ' ',
};
