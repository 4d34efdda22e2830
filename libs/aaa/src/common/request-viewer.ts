import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from './app-config';
import { parseTrustedProxies, TrustedProxies } from './trusted-proxies';
import { RequestView, requestView } from './request-view';

/** Turns a Fastify request into how the browser sees it (portal, panel), with TRUSTED_PROXIES and PUBLIC_URL applied. */
@Injectable()
export class RequestViewer {
  private readonly trusted: TrustedProxies;
  private readonly publicUrl?: string;

  constructor(config: AppConfig) {
    // The config schema already refused a bad list; an empty one trusts nobody.
    this.trusted = parseTrustedProxies(config.trustedProxies ?? []) ?? parseTrustedProxies([])!;
    this.publicUrl = config.publicUrl;
  }

  view(req: FastifyRequest): RequestView {
    return requestView(
      { peer: req.socket.remoteAddress ?? '', protocol: req.protocol, host: req.headers.host, headers: req.headers },
      this.trusted,
      this.publicUrl,
    );
  }
}
