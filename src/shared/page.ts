/**
 * A page of a cursor listing from `limit + 1` rows, newest first, the cursor being the last id
 * shown: the extra row only says whether there is more.
 */
export function page<Row extends { id: string }, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
) {
  const shown = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return {
    object: "list" as const,
    data: shown.map(toItem),
    has_more: hasMore,
    next_cursor: hasMore ? (shown[shown.length - 1]?.id ?? null) : null,
  };
}
