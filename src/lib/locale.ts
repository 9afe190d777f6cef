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

const MAX_RANGES = 20;

/**
 * The language ranges of an Accept-Language header, most wanted first: q-values honoured (q=0 is
 * "not this"), equal q in the order sent, tags canonical, `*` kept, anything unreadable skipped.
 */
export function acceptedLocales(header: string | undefined): string[] {
  if (!header) return [];
  const ranges: { tag: string; q: number; index: number }[] = [];
  for (const [index, part] of header.split(",").slice(0, MAX_RANGES).entries()) {
    const [rawTag = "", ...params] = part.split(";").map((piece) => piece.trim());
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.exec(param);
      q = match ? Number(match[1]) : -1;
    }
    const tag = rawTag === "*" ? "*" : canonicalLocale(rawTag);
    if (tag && q > 0) ranges.push({ tag, q, index });
  }
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index).map((range) => range.tag);
}

const languageOf = (locale: string) => locale.split("-")[0];

/**
 * The locale of `available` that a client's preferences pick, or undefined (then the default
 * applies). Each range is tried as RFC 4647 lookup does (`de-CH` → `de`), then by its language
 * alone (`de` finds `de-DE`), before the next range; `*` stops at the default.
 */
export function pickLocale(preferences: string[], available: string[]): string | undefined {
  for (const wanted of preferences) {
    if (wanted === "*") return undefined;
    for (let range = wanted; ; range = range.slice(0, range.lastIndexOf("-"))) {
      if (available.includes(range)) return range;
      if (!range.includes("-")) break;
    }
    const sameLanguage = available.find((locale) => languageOf(locale) === languageOf(wanted));
    if (sameLanguage) return sameLanguage;
  }
  return undefined;
}
