/**
 * How the portal's leaderboard shows another partner: first name and the last name's initial
 * ("Jane Doe" → "Jane D."), so partners see who they compete with without reading each other's
 * full names. A one-word name (often a brand or handle the partner chose) shows as is.
 */
export function leaderboardName(name: string | null): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '—';
  if (words.length === 1) return words[0]!;
  return `${words[0]} ${[...words[words.length - 1]!][0]!.toUpperCase()}.`;
}
