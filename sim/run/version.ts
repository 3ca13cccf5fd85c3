/** The simulator version stamped on every trace header (bump when traces change shape). */
export const KQSIM_VERSION = '0.1.0';
