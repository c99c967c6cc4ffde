import nodemailer from 'nodemailer';
import type { MailSettings } from '../config/config.ts';

export interface Email {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(email: Email): Promise<void>;
}

/**
 * SMTP when configured. Otherwise a development outbox that prints each email to the console,
 * clearly marked and apart from the structured log (which never holds a link's secret); secure
 * mode refuses to start without SMTP.
 */
export function createMailer(settings: MailSettings, writeOutbox: (text: string) => void): Mailer {
  if (settings.kind === 'smtp') {
    const transport = nodemailer.createTransport(settings.url);
    return {
      async send(email) {
        await transport.sendMail({ from: settings.from, ...email });
      },
    };
  }
  return {
    async send(email) {
      writeOutbox(
        [
          '----- DEVELOPMENT OUTBOX: this email was not sent (IPS_SMTP_URL is not set) -----',
          `To: ${email.to}`,
          `Subject: ${email.subject}`,
          '',
          email.text,
          '----- END OF EMAIL -----',
          '',
        ].join('\n'),
      );
    },
  };
}
