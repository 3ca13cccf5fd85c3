// The entry of every worker thread that runs scenario code (sim/run/isolate.ts). A worker
// starts without the launcher's loader, so it registers tsx first and then loads the task
// module it was started for; that module's default export handles each task.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { default: handle } = await import(workerData.module);
export default handle;
