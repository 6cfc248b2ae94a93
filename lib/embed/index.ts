/** 2-D projections of latent vectors: PCA and t-SNE. */
export * from './embed';
