export * from './portal.module';
export * from './portal.service';
export * from './portal-options';
export * from './login-rate-limiter';
export * from './uam-signature';
export { DEFAULT_USERURL } from './portal-params';
