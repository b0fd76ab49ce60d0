export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export const DAY_MS = 86_400_000;

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}
