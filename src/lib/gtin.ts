/** Strips spaces and hyphens; returns the digits if they form a GTIN-8/12/13/14 with a valid GS1 check digit. */
export function normalizeGtin(input: string): { gtin: string } | { error: string } {
  const digits = input.replace(/[\s-]/g, "");
  if (!/^\d+$/.test(digits)) return { error: "A GTIN has digits only (spaces and hyphens are ignored)." };
  if (![8, 12, 13, 14].includes(digits.length)) return { error: "A GTIN has 8, 12, 13 or 14 digits." };
  let sum = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += Number(digits[i]) * weight;
  }
  const check = (10 - (sum % 10)) % 10;
  if (check !== Number(digits[digits.length - 1])) return { error: "The GTIN check digit is wrong." };
  return { gtin: digits };
}

/**
 * A GTIN as lookups and uniqueness compare it: 14 digits, zero-padded, so a GTIN-8, -12, -13 and
 * -14 of the same item are one (the lookup triggers pad it the same way, in SQL).
 */
export const gtinKey = (gtin: string) => gtin.padStart(14, "0");
