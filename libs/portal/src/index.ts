export * from './portal.module';
