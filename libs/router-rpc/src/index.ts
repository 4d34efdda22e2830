export * from './router-rpc.module';
