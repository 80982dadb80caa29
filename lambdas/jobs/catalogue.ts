import { JobCatalogue } from '../core/jobs';
import {
  addNumbers,
  alwaysFails,
  greetSecretly,
  myJobWithNoVars,
  rotateCredentials,
  slowCountdown,
} from './example';

/** The jobs this deployment can run. Add a job by defining it and listing it here. */
export const catalogue = new JobCatalogue([
  myJobWithNoVars,
  addNumbers,
  alwaysFails,
  slowCountdown,
  rotateCredentials,
  greetSecretly,
]);
