/**
 * A BCP 47 language tag in its canonical form (`pt-br` → `pt-BR`, `EN` → `en`), or undefined when
 * it is not one. Intl knows the syntax, so no table of languages is kept here.
 */
export function canonicalLocale(tag: string): string | undefined {
  if (tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}
