/**
 * Reserved words (and built-in type names) per language. They look like identifiers to the identifier scanner, but a
 * definition that happens to share the name (a field called `if`, a function called `any`) is never what the code at
 * the cursor refers to, so retrieval skips them.
 */
import type { LanguageName } from './languages';

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

const JS = 'break case catch class const continue debugger default delete do else export extends false finally for from ' +
  'function if import in instanceof let new null of return super switch this throw true try typeof undefined var void ' +
  'while with yield async await static get set as';
const TS = `${JS} abstract any bigint boolean declare enum implements infer interface is keyof namespace never number object ` +
  'private protected public readonly satisfies string symbol type unique unknown override accessor asserts module require';
const C = 'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
  'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while NULL true false bool';

const KEYWORDS: Readonly<Record<LanguageName, ReadonlySet<string>>> = {
  typescript: words(TS),
  tsx: words(TS),
  javascript: words(JS),
  python: words('False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield self cls'),
  go: words('break case chan const continue default defer else fallthrough for func go goto if import interface map ' +
    'package range return select struct switch type var nil true false iota string int bool byte rune error any'),
  rust: words('as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod ' +
    'move mut pub ref return self Self static struct super trait true type unsafe use where while'),
  java: words('abstract assert boolean break byte case catch char class const continue default do double else enum ' +
    'extends final finally float for goto if implements import instanceof int interface long native new null package ' +
    'private protected public return short static strictfp super switch synchronized this throw throws transient true ' +
    'false try void volatile while var record'),
  c: words(C),
  cpp: words(`${C} alignas alignof and bitand bitor catch class constexpr decltype delete explicit friend mutable ` +
    'namespace new noexcept not nullptr operator or private protected public template this throw try typename using ' +
    'virtual override final'),
  csharp: words('abstract as base bool break byte case catch char checked class const continue decimal default delegate ' +
    'do double else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface ' +
    'internal is lock long namespace new null object operator out override params private protected public readonly ref ' +
    'return sbyte sealed short sizeof static string struct switch this throw true try typeof uint ulong unchecked unsafe ' +
    'ushort using var virtual void volatile while async await get set value'),
  ruby: words('alias and begin break case class def defined do else elsif end ensure false for if in module next nil not ' +
    'or redo rescue retry return self super then true undef unless until when while yield require require_relative'),
  php: words('abstract and array as break callable case catch class clone const continue declare default do echo else ' +
    'elseif empty enddeclare endfor endforeach endif endswitch endwhile eval exit extends final finally fn for foreach ' +
    'function global goto if implements include instanceof insteadof interface isset list match namespace new or print ' +
    'private protected public readonly require return static switch throw trait try unset use var while xor yield ' +
    'true false null self parent'),
};

/** True when `word` is a reserved word of `language` (unknown language: nothing is). */
export function isKeyword(language: LanguageName | undefined, word: string): boolean {
  return language !== undefined && KEYWORDS[language].has(word);
}
