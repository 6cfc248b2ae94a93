/** latentlab: everything the notebooks use, from one import. */
export * from './env';
export * from './plot/figure';
export * from './plot/display';
export * from './plot/images';
export * from './plot/curves';
export * from './embed';
export * from './train/progress';
export * from './nn';
export * from './environment';
export * from './sparse';
export * from './mf';
export * from './notebook';
