/** Countersign's own version (package.json's, checked by a test) and the Nautobot REST API version it follows. */
export const COUNTERSIGN_VERSION = '0.1.0';
export const API_VERSION = '2.4';
