import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CountersignStack } from '../lib/countersign-stack';
import { stackPropsFromContext } from '../lib/deploy-context';

const app = new App();
const inputSealing: unknown = app.node.tryGetContext('inputSealing');
if (
  inputSealing !== undefined &&
  inputSealing !== 'parameter-store' &&
  inputSealing !== 'customer-managed-key'
) {
  throw new Error(
    `-c inputSealing=${String(inputSealing)} is not one of parameter-store, customer-managed-key.`,
  );
}
new CountersignStack(app, 'Countersign', {
  description: 'Countersign: job scheduling with four-eyes approval',
  ...stackPropsFromContext(app.node),
  ...(inputSealing === undefined ? {} : { inputSealing }),
});
// Findings fail the synth; each accepted one is acknowledged on its own resource, next to its cause.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
