/**
 * The AWS SDK warns once per process that Node 20 will stop receiving SDK updates in 2027. Local
 * mode runs on the Node the machine has (the deployed functions run Node 24), so the warning says
 * nothing actionable to someone running `npm start`; every other warning still prints.
 */
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (text.startsWith('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

export {};
