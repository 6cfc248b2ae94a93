/** Matrix factorization: loading ratings, the factors, ALS and SGD, metrics, recommendations. */
export * from '../data/npy';
export * from '../data/ratings';
export * from './factors';
export * from './loss';
export * from './init';
export * from './als';
export * from './sgd';
export * from './earlyStopping';
export * from './train';
export * from './metrics';
export * from './recommend';
export * from './model';
