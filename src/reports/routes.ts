import { Hono } from 'hono';
import type { AppEnv } from '../env';

// GET /v1/programs/:programId/report|leaderboard|kpis — marketer reports over the daily rollups
export const reportRoutes = new Hono<AppEnv>();
