export * from './backend';
export * from '../data/idx';
export * from '../data/fashion-mnist';
export * from './random';
export * from './batches';
