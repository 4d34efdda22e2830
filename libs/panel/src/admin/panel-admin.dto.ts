import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches, MaxLength, MinLength } from 'class-validator';
import { Optional } from '@app/aaa';
import { PANEL_PASSWORD_MIN, PASSWORD_MAX } from '../credentials/password-rules';

// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;
/** What panelEmail() accepts, for the document; the service normalises (trim, lower case). */
const EMAIL_RE = /^\s*[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190}\s*$/;

const EmailField = () => Matches(EMAIL_RE, { message: 'email must be an email address in ASCII (the panel sign-in name)' });

export class SetPanelPasswordDto {
  @ApiProperty({ minLength: PANEL_PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @MinLength(PANEL_PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  @Matches(NO_CONTROL_CHARS, { message: 'password must not contain control characters' })
  password!: string;

  @ApiPropertyOptional({ example: 'erika@example.org', maxLength: 254, description: "Sign-in email; default: the customer's email" })
  @Optional()
  @MaxLength(254)
  @EmailField()
  email?: string;
}

export class CreatePanelInviteDto {
  @ApiPropertyOptional({ example: 'erika@example.org', maxLength: 254, description: "Sign-in email; default: the customer's email" })
  @Optional()
  @MaxLength(254)
  @EmailField()
  email?: string;
}

export class PanelAccessView {
  @ApiProperty() customerId!: string;
  @ApiProperty({ description: 'A sign-in exists (a password is set or an invite is pending)' }) enabled!: boolean;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty() passwordSet!: boolean;
  @ApiProperty({ nullable: true, type: Date }) passwordSetAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastSignInAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'Sign-in locked after repeated failures until then' }) lockedUntil!: Date | null;
  @ApiProperty({ description: 'Signed-in browsers' }) activeSessions!: number;
  @ApiProperty({ nullable: true, type: Date, description: 'Expiry of the unused invite link, if any' }) inviteExpiresAt!: Date | null;
}

export class PanelInviteView {
  @ApiProperty({ description: 'The one-time link that sets the panel password; shown once' }) url!: string;
  @ApiProperty() expiresAt!: Date;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['none', 'webhook'], description: 'none: hand the link over yourself; webhook: PANEL_INVITE_WEBHOOK got it' })
  delivery!: 'none' | 'webhook';
  @ApiProperty({ nullable: true, type: String, description: 'Why the webhook did not take it (the link is valid all the same)' })
  deliveryError!: string | null;
}
