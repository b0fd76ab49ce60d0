import { and, eq, gte, lte } from 'drizzle-orm';
import type { Db } from '../client';
import { dailyRollups } from '../schema';

/** A partner's clicks, leads and sales per UTC day from the rollups (dimension 'all'). */
export async function partnerDailySeries(db: Db, programId: string, partnerId: string, fromDay: string, toDay: string) {
  return db
    .select({ day: dailyRollups.day, clicks: dailyRollups.clicks, leads: dailyRollups.leads, sales: dailyRollups.sales })
    .from(dailyRollups)
    .where(
      and(
        eq(dailyRollups.partnerId, partnerId),
        eq(dailyRollups.dim, 'all'),
        eq(dailyRollups.programId, programId),
        gte(dailyRollups.day, fromDay),
        lte(dailyRollups.day, toDay),
      ),
    )
    .orderBy(dailyRollups.day);
}
