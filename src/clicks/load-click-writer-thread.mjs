// Worker threads on Node 20 do not get the parent's `--import tsx` loader, so register tsx here
// before loading the TypeScript entry (the path arrives in workerData).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
