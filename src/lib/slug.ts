/** the contract's slug: lower-case words of a–z and 0–9 joined by single hyphens, at most 256 characters. */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 256;

// Letters that Unicode does not decompose into a base letter and a mark.
const FOLDS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/** The words of `slug` cut to `max` characters, at a word boundary where there is one. */
function cut(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  if (slug[max] === "-") return slug.slice(0, max);
  const boundary = slug.lastIndexOf("-", max);
  return boundary > 0 ? slug.slice(0, boundary) : slug.slice(0, max);
}

/** Accents folded, lower-cased, every run of other characters one hyphen, trimmed, cut; undefined if empty. */
function latinWords(text: string): string | undefined {
  const words = text
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => FOLDS[letter] ?? letter)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return words === "" ? undefined : cut(words, MAX_SLUG_LENGTH);
}

// Romanization, for the scripts with a standard one: Cyrillic, Greek, Armenian, Georgian. The others
// (Chinese, Japanese, Korean; Arabic and Hebrew, whose unwritten vowels a slug cannot restore) keep
// the id's fallback. Only runs of these scripts' letters are rewritten, before anything else, so a
// name with none of them slugs exactly as before (test/products/slug-romanization.test.ts checks that).

/** A table from pairs: `"а a ь _"` is а → a, ь → nothing. */
function table(pairs: string): Map<string, string> {
  const words = pairs.trim().split(/\s+/);
  const entries: [string, string][] = [];
  for (let index = 0; index + 1 < words.length; index += 2) {
    entries.push([words[index] as string, (words[index + 1] as string).replace("_", "")]);
  }
  return new Map(entries);
}

// Cyrillic: ICAO Doc 9303 part 3 (Russian passports), every letter of its table. Greek: ELOT 743
// (ISO 843 transcription; the digraph rules are in romanizedRun). Armenian: BGN/PCGN 1981, Georgian:
// the national system of 2002, both without their apostrophes. Accented letters not listed are looked
// up by their base letter (ѝ → и, ά → α, ἄ → α).
const LETTERS = table(`
  а a б b в v г g д d е e ё e ж zh з z и i й i к k л l м m н n о o п p р r с s т t у u ф f х kh ц ts
  ч ch ш sh щ shch ъ ie ы y ь _ э e ю iu я ia ґ g ђ d ѓ g є ie ѕ dz і i ї i ј j љ lj њ nj ћ c ќ k
  ў u џ dz
  α a β v γ g δ d ε e ζ z η i θ th ι i κ k λ l μ m ν n ξ x ο o π p ρ r σ s ς s τ t υ y φ f χ ch
  ψ ps ω o
  ա a բ b գ g դ d ե e զ z է e ը y թ t ժ zh ի i լ l խ kh ծ ts կ k հ h ձ dz ղ gh ճ ch մ m յ y ն n
  շ sh ո o չ ch պ p ջ j ռ r ս s վ v տ t ր r ց ts ւ v փ p ք k օ o ֆ f և ev
  ა a ბ b გ g დ d ე e ვ v ზ z თ t ი i კ k ლ l მ m ნ n ო o პ p ჟ zh რ r ს s ტ t უ u ფ p ქ k ღ gh
  ყ q შ sh ჩ ch ც ts ძ dz წ ts ჭ ch ხ kh ჯ j ჰ h
`);

/**
 * Cyrillic letters that a language romanizes its own way: Ukrainian's national system (2010),
 * Belarusian's and Macedonian's ICAO exceptions (Macedonia's own џ → dzh), Bulgaria's Transliteration
 * Act (2009), and Serbian's own Latin alphabet folded as a Latin name is (č → c, ž → z, đ → d), so a
 * Serbian name slugs alike in both its scripts.
 */
const LANGUAGES = {
  ru: { letters: table(""), initial: table("") },
  uk: { letters: table("г h и y"), initial: table("є ye ї yi й y ю yu я ya") },
  be: { letters: table("г h ё io"), initial: table("") },
  bg: { letters: table("й y х h щ sht ъ a ь y ю yu я ya"), initial: table("") },
  sr: { letters: table("ж z х h ц c ч c ш s"), initial: table("") },
  mk: { letters: table("ѓ gj ќ kj х h ц c џ dzh"), initial: table("") },
};
type Language = keyof typeof LANGUAGES;
// Word-initial forms of every language (Armenian's).
const INITIAL = table("ե ye ո vo և yev");

/**
 * Whose Cyrillic a name is: the locale's language when it is one of LANGUAGES, else told by the
 * letters only one language has (Bulgarian has none: only its locale tells it), else Russian.
 */
function cyrillicLanguage(name: string, locale: string): Language {
  const language = locale.split("-")[0]?.toLowerCase() ?? "";
  if (Object.hasOwn(LANGUAGES, language)) return language as Language;
  const letters = name.toLowerCase();
  if (/[ґєї]/.test(letters)) return "uk";
  if (/ў/.test(letters) || (/і/.test(letters) && /[ыэё]/.test(letters))) return "be";
  if (/і/.test(letters)) return "uk";
  if (/[ђћ]/.test(letters)) return "sr";
  if (/[ѓќѕ]/.test(letters)) return "mk";
  if (/[јљњџ]/.test(letters)) return "sr";
  return "ru";
}

const SCRIPTS = "\\u0370-\\u058f\\u10a0-\\u10ff\\u1c90-\\u1cbf\\u1f00-\\u1fff";
/** A run of letters of the romanized scripts, with their combining marks and the apostrophes inside a word. */
const RUN = new RegExp(`[${SCRIPTS}](?:[${SCRIPTS}\\u0300-\\u036f]|['’ʼ](?=[${SCRIPTS}]))*`, "g");
const GREEK_VOICELESS = new Set("θκξπσςτφχψ");
/** A letter without its accents (ά → α, ѝ → и). */
const baseLetter = (letter: string) => letter.normalize("NFD")[0] ?? letter;

/** One run romanized, lower-case: its letters from the tables, with the rules that look at neighbours. */
function romanizedRun(run: string, language: Language): string {
  const letters = [...run.toLowerCase().normalize("NFC")];
  const own = LANGUAGES[language];
  let romanized = "";
  for (let index = 0; index < letters.length; index++) {
    const letter = letters[index] as string;
    const previous = letters[index - 1];
    const next = letters[index + 1];
    if (letter === "ո" && next === "ւ") {
      romanized += "u";
      index++;
    } else if (
      baseLetter(letter) === "υ" &&
      !letter.normalize("NFD").includes("\u0308") &&
      previous &&
      "αεηο".includes(previous)
    ) {
      // ELOT 743: ου is u; αυ ευ ηυ are av ev iv, or af ef if before a voiceless consonant or at the end.
      romanized +=
        previous === "ο" ? "u" : next === undefined || GREEK_VOICELESS.has(baseLetter(next)) ? "f" : "v";
    } else if (letter === "γ" && next !== undefined && "γξχ".includes(baseLetter(next))) {
      romanized += "n";
    } else if (language === "uk" && letter === "г" && previous === "з") {
      romanized += "gh";
    } else if (language === "bg" && letter === "я" && previous === "и" && next === undefined) {
      romanized += "a";
    } else {
      const initial = index === 0 ? (own.initial.get(letter) ?? INITIAL.get(letter)) : undefined;
      romanized +=
        initial ??
        own.letters.get(letter) ??
        LETTERS.get(letter) ??
        own.letters.get(baseLetter(letter)) ??
        LETTERS.get(baseLetter(letter)) ??
        (/['’ʼ]/.test(letter) ? "" : letter);
    }
  }
  return romanized;
}

/**
 * A slug from a name: its Cyrillic, Greek, Armenian and Georgian letters romanized (Cyrillic in the
 * way of `locale`'s language, or the name's), accents folded, lower-cased, every run of other
 * characters one hyphen, trimmed, cut to 256 at a word boundary where possible. Undefined when no
 * a–z or 0–9 is left.
 */
export function slugify(name: string, locale = ""): string | undefined {
  const language = cyrillicLanguage(name, locale);
  return latinWords(name.replace(RUN, (run) => romanizedRun(run, language)));
}

/**
 * The slug of a name's Latin letters and digits alone: the rule before other scripts were romanized.
 * An update keeps a stored slug it gives, so no URL made then moves.
 */
export const latinSlugify = (name: string): string | undefined => latinWords(name);

/** The slug of a name with nothing to make one from: `product-` and the id's last 10 characters. */
export const fallbackSlug = (productId: string) => `product-${productId.slice(-10).toLowerCase()}`;

/** `base-suffix`, still at most 256 long (the base is cut at a word boundary to make room). */
export function suffixed(base: string, suffix: string): string {
  return `${cut(base, MAX_SLUG_LENGTH - suffix.length - 1).replace(/-$/, "")}-${suffix}`;
}

/** The `n`th candidate for a generated slug (`name`, `name-2`, `name-3`, …), still at most 256 long. */
export const candidate = (base: string, n: number) => (n === 1 ? base : suffixed(base, String(n)));

/**
 * Whether `slug` is one that generating from `base` could have given this product: `base`,
 * `base-N`, or `base-<the id's last 8>` (a create that lost the race for a number).
 */
export function generatedFrom(slug: string, base: string, productId: string): boolean {
  if (slug === base) return true;
  const suffix = /-([a-z0-9]+)$/.exec(slug)?.[1];
  if (suffix === undefined) return false;
  const numbered = /^[1-9][0-9]*$/.test(suffix) && Number(suffix) >= 2;
  return (numbered || suffix === productId.slice(-8).toLowerCase()) && suffixed(base, suffix) === slug;
}
