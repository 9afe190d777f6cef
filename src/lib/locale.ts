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

/** A locale's language, script and region, the missing ones filled in by likely subtags. */
type Subtags = { language: string; script: string | undefined; region: string | undefined };

/**
 * Languages one written form of which is tagged two ways: Norwegian `no` is written Bokmål, `nb`.
 * (A Map, not an object: `tostring` is a well-formed language subtag.)
 */
const SAME_LANGUAGE = new Map([["no", "nb"]]);
/** A language's readers who read another too, tried after their own: Nynorsk's read Bokmål. */
const FALLBACK_LANGUAGE = new Map([["nn", "nb"]]);

/** The Americas (UN M.49 019 and its parts), as CLDR's language matching groups them. */
const AMERICAS = new Set(
  "019 419 005 013 021 029 AG AI AR AW BB BL BM BO BQ BR BS BV BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI".split(
    " ",
  ),
);
/**
 * CLDR's language-matching partitions of regions (languageInfo.xml, `$enUS`, `$americas`, `$cnsar`):
 * a region's readers are closer to a locale on their side (en-AU reads en-GB before en-US, es-AR
 * es-419 before es-ES, pt-AO pt-PT before pt-BR, zh-HK zh-MO before zh-TW).
 */
const REGION_GROUPS = new Map([
  ["en", new Set("AS CA GU MH MP PH PR UM US VI".split(" "))],
  ["es", AMERICAS],
  ["pt", AMERICAS],
  ["zh", new Set(["HK", "MO"])],
]);

const MAX_REMEMBERED = 1000;
const remembered = new Map<string, Subtags | null>();

/**
 * The likely subtags of a canonical tag (`zh-HK` → zh, Hant, HK; `no` → nb, Latn, NO), or null for
 * `und` (its likely subtags would say English). Remembered per isolate, up to a bound: the tags
 * come from requests too.
 */
function likelySubtags(tag: string): Subtags | null {
  let subtags = remembered.get(tag);
  if (subtags !== undefined) return subtags;
  subtags = null;
  try {
    const locale = new Intl.Locale(tag);
    if (locale.language !== "und") {
      const { language, script, region } = locale.maximize();
      subtags = { language: SAME_LANGUAGE.get(language) ?? language, script, region };
    }
  } catch {
    // Not a tag Intl reads: it matches exactly or not at all.
  }
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(tag, subtags);
  return subtags;
}

/**
 * The locale of `available` in `language` and the script wanted (never another script: zh-Hant
 * readers do not get zh-Hans), the closest region first: the same region, then one of its CLDR
 * group, then the language's likely one; on a tie, the first in `available`.
 */
function closestLocale(wanted: Subtags, language: string, available: string[]): string | undefined {
  const groups = REGION_GROUPS.get(language);
  const sameGroup = (region: string | undefined) =>
    groups !== undefined &&
    region !== undefined &&
    wanted.region !== undefined &&
    groups.has(region) === groups.has(wanted.region);
  const likelyRegion = likelySubtags(wanted.script ? `${language}-${wanted.script}` : language)?.region;
  let closest: string | undefined;
  let closestScore = -1;
  for (const locale of available) {
    const candidate = likelySubtags(locale);
    if (candidate?.language !== language || candidate.script !== wanted.script) continue;
    let score = 0;
    if (candidate.region === wanted.region) score = 3;
    else if (sameGroup(candidate.region)) score = 2;
    else if (candidate.region === likelyRegion) score = 1;
    if (score > closestScore) [closest, closestScore] = [locale, score];
  }
  return closest;
}

/**
 * The locale of `available` that a client's preferences pick, and the index of the preference that
 * picked it, or undefined (then the default applies). Preferences are canonical tags, most wanted
 * first; each is tried in turn: the same tag, then by likely subtags (closestLocale), in its own
 * language, then in its fallback language (`nn` → `nb`/`no`); `*` stops at the default.
 */
export function negotiateLocale(
  preferences: string[],
  available: string[],
): { locale: string; preference: number } | undefined {
  for (const [preference, wanted] of preferences.entries()) {
    if (wanted === "*") return undefined;
    if (available.includes(wanted)) return { locale: wanted, preference };
    const subtags = likelySubtags(wanted);
    if (!subtags) continue;
    const fallback = FALLBACK_LANGUAGE.get(subtags.language);
    const locale =
      closestLocale(subtags, subtags.language, available) ??
      (fallback === undefined ? undefined : closestLocale(subtags, fallback, available));
    if (locale !== undefined) return { locale, preference };
  }
  return undefined;
}

/** The locale of `available` that a client's preferences pick (negotiateLocale), or undefined. */
export const pickLocale = (preferences: string[], available: string[]) =>
  negotiateLocale(preferences, available)?.locale;
