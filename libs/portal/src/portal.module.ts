import { Module } from '@nestjs/common';

/** The captive-portal (UAM) login page. */
@Module({})
export class PortalModule {}
