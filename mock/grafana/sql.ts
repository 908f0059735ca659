/** What Grafana's SQL store does that the mock copies in memory. */

/**
 * `ORDER BY name` (binary collation, grafana-auth §1.5). The mock compares UTF-16 code units;
 * a byte-wise (UTF-8) collation differs only between U+E000–U+FFFF and characters beyond U+FFFF.
 */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
