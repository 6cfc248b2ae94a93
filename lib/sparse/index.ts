/** The sparse rating matrix and what happens to it before factorization. */
export * from './matrix';
export * from './random';
export * from './coldStart';
export * from './split';
export * from './meanShift';
