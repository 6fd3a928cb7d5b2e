/**
 * The terms of an `@workspace` question and the forms each matches in code: its sub-words, lightly stemmed alike in
 * questions and code, without stop words; an identifier written as code also as its exact name; a plain word also as
 * its abbreviations (prefixes) and as a part of the code's compounds (`test` in `testdata`, see questionVocabulary.ts).
 */
import { forEachWord } from './similarity';
import { subwords } from './subwords';

/** One weighted term of a question. */
export interface QueryTerm {
  term: string;
  /** 1 for a plain word, more for an identifier the user wrote as code (exact name matches matter most). */
  weight: number;
}

/**
 * Abbreviations: code shortens the words a question spells out (`paren` for parentheses, `env` for environment,
 * `elem` for element). A question word also matches a code term that is its prefix, at this share, when the prefix
 * keeps at least MIN_PREFIX letters and half of the word. Per definition a word counts once, by its best form.
 */
const PREFIX_SHARE = 0.6;
const MIN_PREFIX = 3;
/** A question word also matches a compound of the code it is a part of (`test` in `testdata`), at this share. */
const COMPOUND_SHARE = 0.5;
/** Words of a question that say nothing about the code it is looking for. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been by can could did do does doing done for from get gets how i if in into is it its me my of on ' +
    'or our should so than that the their them then there these this those to us was we were what when where which who why ' +
    'will with would you your code codebase function functions method methods class classes file files find show tell explain ' +
    'implemented implement implementation happen happens handled work works called defined definition project repo repository'
  ).split(' '),
);

/**
 * A crude stem, applied alike to questions and code: `parsed`, `parses`, `parsing` and `parse` all become `pars`;
 * `stripped` and `strip` become `strip`; `normalized` and `normal` become `normal`.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  // A consonant doubled before the suffix (`stripp`, `runn`, `mapp`): one of it.
  if (w !== word && w.length >= 4 && /([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 5 && /i[sz]$/.test(w)) w = w.slice(0, -2);
  return w;
}

/** The stemmed sub-words of an identifier or word (sub-words are lower-case and singular). */
export function terms(word: string): string[] {
  return subwords(word).map(stem);
}

const IDENTIFIER_LIKE = /[a-z][A-Z]|_|[A-Za-z][0-9]|^[A-Z]{2,}[a-z]?/;

/**
 * The terms of a question. An identifier written as code (camelCase, snake_case, in backticks, or followed by `(`) also
 * contributes its whole lower-cased name, which only an exact definition name matches.
 */
export function questionTerms(question: string): QueryTerm[] {
  const weights = new Map<string, number>();
  const add = (t: string, w: number) => {
    if (t.length < 2 || STOP_WORDS.has(t)) return;
    weights.set(t, Math.max(weights.get(t) ?? 0, w));
  };
  const codeSpans = new Set<string>();
  for (const m of question.matchAll(/`([^`\n]{1,80})`|([A-Za-z_$][\w$]*)\(/g)) {
    forEachWord(m[1] ?? m[2], 0, (w) => codeSpans.add(w));
  }
  forEachWord(question, 0, (word) => {
    if (STOP_WORDS.has(word.toLowerCase())) return;
    const asCode = codeSpans.has(word) || IDENTIFIER_LIKE.test(word);
    if (asCode) add('=' + word.toLowerCase(), 2);
    for (const t of terms(word)) add(t, asCode ? 1.5 : 1);
  });
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

/** A query term and the forms it matches: itself (factor 1) and, for a plain word, its prefixes (abbreviations). */
export interface TermForms {
  term: string;
  weight: number;
  forms: { term: string; factor: number }[];
}

export function termForms(query: readonly QueryTerm[], compounds?: ReadonlyMap<string, readonly string[]>): TermForms[] {
  const exact = new Set(query.map((q) => q.term));
  return query.map((q) => {
    const forms = [{ term: q.term, factor: 1 }];
    for (const c of compounds?.get(q.term) ?? []) if (!exact.has(c)) forms.push({ term: c, factor: COMPOUND_SHARE });
    if (!q.term.startsWith('=')) {
      for (let n = Math.max(MIN_PREFIX, Math.ceil(q.term.length / 2)); n < q.term.length; n++) {
        const prefix = q.term.slice(0, n);
        if (!exact.has(prefix) && !STOP_WORDS.has(prefix)) forms.push({ term: prefix, factor: PREFIX_SHARE });
      }
    }
    return { ...q, forms };
  });
}
