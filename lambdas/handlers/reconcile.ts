import { reconcileDependencies } from './composition';
import { createLogger } from './logger';
import { createReconcileHandler } from './reconcile-handler';

export const handler = createReconcileHandler(reconcileDependencies(), createLogger());
