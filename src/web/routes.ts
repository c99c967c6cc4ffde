import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import {
  canAdminister,
  canDrillThroughService,
  canDrillThroughTeam,
  canRecordFidelityReviews,
  canSetReturnDeadlines,
  canSetServiceReferralSources,
  canSetServiceTargets,
  canSetTargetsForTeam,
  canSubmitReturn,
  canUploadForTeam,
  canViewReturn,
  canViewServiceSummary,
  canViewSpecialists,
  canViewTeam,
} from '../permissions/permissions.ts';
import { accountHandlers } from './account/account.ts';
import { governanceAdminHandlers } from './admin/governance.ts';
import { organisationAdminHandlers } from './admin/organisations.ts';
import { peopleHandlers } from './admin/people.ts';
import { singleSignOnAdminHandlers } from './admin/single-sign-on.ts';
import { apiHandlers, requireApiToken } from './api/api.ts';
import { metricsApiHandlers } from './api/metrics-api.ts';
import { returnsApiHandlers } from './api/returns-api.ts';
import { targetsApiHandlers } from './api/targets-api.ts';
import { uploadApiHandlers } from './api/uploads-api.ts';
import { dashboardHandlers } from './dashboards/dashboards.ts';
import { fidelityHandlers } from './fidelity/fidelity.ts';
import {
  requireFullAccess,
  requirePermission,
  requireTermsAccepted,
  requireViewer,
} from './gates.ts';
import { governanceHandlers } from './governance/governance.ts';
import { healthHandlers } from './health/health.ts';
import { helpHandlers } from './help/help.ts';
import { metricsHandler, requireMetricsToken } from './observability.ts';
import {
  organisationHandlers,
  requireArea,
  requireService,
  requireTeam,
} from './organisations/organisations.ts';
import { pageHandlers } from './pages/pages.ts';
import { passwordResetHandlers } from './password-reset/password-reset.ts';
import { recordHandlers } from './records/records.ts';
import { referralSourceHandlers } from './referral-sources/referral-sources.ts';
import { requestAccessHandlers } from './request-access/request-access.ts';
import { returnHandlers } from './returns/returns.ts';
import { RATE_LIMITS } from './security.ts';
import type { Services } from './services.ts';
import { firstAdministratorHandlers } from './setup/first-administrator.ts';
import { signInHandlers } from './sign-in/sign-in.ts';
import { singleSignOnHandlers } from './sign-in/single-sign-on.ts';
import { targetHandlers } from './targets/targets.ts';
import { uploadHandlers } from './uploads/uploads.ts';

/**
 * The URL map. Each group stands behind one gate (gates.ts, permissions.ts), so what a page
 * shows and what the server allows cannot drift apart.
 */
export function registerRoutes(app: FastifyInstance, services: Services): void {
  const pages = pageHandlers();
  const health = healthHandlers(services);
  const signIn = signInHandlers(services);
  const singleSignOn = singleSignOnHandlers(services);
  const passwordReset = passwordResetHandlers(services);
  const requestAccess = requestAccessHandlers(services);
  const firstAdministrator = firstAdministratorHandlers(services);
  const governance = governanceHandlers(services);
  const account = accountHandlers(services);
  const organisations = organisationHandlers(services);
  const people = peopleHandlers(services);
  const organisationAdmin = organisationAdminHandlers(services);
  const governanceAdmin = governanceAdminHandlers(services);
  const singleSignOnAdmin = singleSignOnAdminHandlers(services);
  const uploads = uploadHandlers(services);
  const dashboards = dashboardHandlers(services);
  const records = recordHandlers(services);
  const targets = targetHandlers(services);
  const referralSources = referralSourceHandlers(services);
  const fidelity = fidelityHandlers(services);
  const returns = returnHandlers(services);
  const help = helpHandlers(services);
  const api = apiHandlers();
  const uploadApi = uploadApiHandlers(services);
  const metricsApi = metricsApiHandlers(services);
  const targetsApi = targetsApiHandlers(services);
  const returnsApi = returnsApiHandlers(services);

  // Anyone.
  app.get('/health/live', health.live);
  app.get('/health/ready', health.ready);
  // The address earlier deployments probe: the same answer as ready.
  app.get('/health', health.ready);
  // Prometheus on the main port only with a scrape token; IPS_METRICS_PORT serves it apart.
  const { token: metricsToken } = services.config.metrics;
  if (metricsToken !== null) {
    group(app, [requireMetricsToken(metricsToken)], (scope) => {
      scope.get('/metrics', metricsHandler(services.metrics));
    });
  }
  app.get('/help', pages.help);
  app.get('/help/spreadsheet', help.spreadsheet);
  app.get('/help/template.xlsx', help.templateXlsx);
  app.get('/help/template.csv', help.templateCsv);
  app.get('/accessibility', pages.accessibility);
  app.get('/privacy', pages.privacy);
  app.get('/terms', governance.terms);
  app.get('/sign-in', signIn.show);
  app.post('/sign-in', { config: { rateLimit: RATE_LIMITS.signIn } }, signIn.signIn);
  app.get('/sign-in/second-factor', signIn.showSecondFactor);
  app.post(
    '/sign-in/second-factor',
    { config: { rateLimit: RATE_LIMITS.signIn } },
    signIn.secondFactor,
  );
  app.get(
    '/sign-in/single-sign-on/:provider',
    { config: { rateLimit: RATE_LIMITS.signIn } },
    singleSignOn.start,
  );
  app.get(
    '/sign-in/single-sign-on/:provider/callback',
    { config: { rateLimit: RATE_LIMITS.signIn } },
    singleSignOn.callback,
  );
  app.post('/sign-out', signIn.signOut);
  app.get('/signed-out', signIn.signedOut);
  app.get('/request-access', requestAccess.show);
  app.post(
    '/request-access',
    { config: { rateLimit: RATE_LIMITS.passwordReset } },
    requestAccess.submit,
  );
  app.get('/request-access/sent', requestAccess.sent);
  app.get('/password-reset', passwordReset.show);
  app.post(
    '/password-reset',
    { config: { rateLimit: RATE_LIMITS.passwordReset } },
    passwordReset.request,
  );
  app.get('/password-reset/sent', passwordReset.sent);
  app.get('/password-reset/done', passwordReset.done);
  app.get('/password-reset/:token', passwordReset.showNewPassword);
  app.post(
    '/password-reset/:token',
    { config: { rateLimit: RATE_LIMITS.passwordReset } },
    passwordReset.setNewPassword,
  );
  app.get('/setup/:token', firstAdministrator.show);
  app.post(
    '/setup/:token',
    { config: { rateLimit: RATE_LIMITS.passwordReset } },
    firstAdministrator.create,
  );

  // Signed in, before the end-user agreement is accepted.
  group(app, [requireViewer], (scope) => {
    scope.get('/terms/accept', governance.showTerms);
    scope.post('/terms/accept', governance.acceptTerms);
  });

  // Signed in with the terms accepted, even while a service waits on its data sharing
  // agreement: its data governance lead accepts it here.
  group(app, [requireTermsAccepted(services)], (scope) => {
    scope.get('/data-sharing-agreement', governance.showDataSharing);
    scope.post('/data-sharing-agreement', governance.acceptDataSharing);
    // Help and resources are for every role (docs/DESIGN.md), and hold no service's data: someone
    // waiting on the agreement can read the guide and report a problem meanwhile.
    scope.get('/help/guide', help.guide);
    scope.get('/help/faqs', help.faqs);
    scope.get('/help/figures', help.figures);
    scope.get('/help/resources', help.resources);
    scope.get('/help/resources/:slug', help.resource);
    scope.get('/report-a-problem', help.showProblemForm);
    scope.post('/report-a-problem', help.reportProblem);
  });

  // Signed in with full access.
  const fullAccess = requireFullAccess(services);
  group(app, [fullAccess], (scope) => {
    scope.get('/', organisations.home);
    scope.get('/account', account.show);
    scope.get('/upload', uploads.chooseTeam);
    scope.get('/account/two-factor', account.showTwoFactor);
    scope.post('/account/two-factor', account.setUpTwoFactor);
    scope.post('/account/two-factor/remove', account.removeTwoFactor);
    scope.post('/account/api-tokens', account.createToken);
    scope.post('/account/api-tokens/:tokenId/revoke', account.revokeToken);
    scope.post('/sign-out-everywhere', signIn.signOutEverywhere);
  });

  group(app, [fullAccess, requireTeam(services, canViewTeam)], (scope) => {
    scope.get('/teams/:teamId', organisations.team);
    scope.get('/teams/:teamId/dashboard', dashboards.team);
  });
  group(app, [fullAccess, requireTeam(services, canUploadForTeam)], (scope) => {
    scope.get('/teams/:teamId/upload', uploads.show);
    scope.post(
      '/teams/:teamId/upload',
      { config: { rateLimit: RATE_LIMITS.upload } },
      uploads.upload,
    );
    scope.get('/teams/:teamId/upload/check/:checkId', uploads.check);
    scope.get('/teams/:teamId/upload/check/:checkId/progress', uploads.progress);
    scope.get('/teams/:teamId/upload/check/:checkId/problems.csv', uploads.problems);
    scope.post(
      '/teams/:teamId/upload/check/:checkId',
      { config: { rateLimit: RATE_LIMITS.upload } },
      uploads.confirm,
    );
    scope.get('/teams/:teamId/upload/done/:uploadId', uploads.done);
    scope.get('/teams/:teamId/template.xlsx', referralSources.teamTemplate);
    scope.get('/teams/:teamId/uploads/:uploadId/roll-back', uploads.confirmRollBack);
    scope.post('/teams/:teamId/uploads/:uploadId/roll-back', uploads.rollBack);
  });
  group(app, [fullAccess, requireTeam(services, canSetTargetsForTeam)], (scope) => {
    scope.get('/teams/:teamId/targets', targets.showTeam);
    scope.post('/teams/:teamId/targets', targets.saveTeam);
  });
  group(app, [fullAccess, requireTeam(services, canDrillThroughTeam)], (scope) => {
    scope.get('/teams/:teamId/records', records.list);
  });
  group(app, [fullAccess, requireTeam(services, canUploadForTeam)], (scope) => {
    scope.get('/teams/:teamId/records/:referralId/remove', records.confirmRemoval);
    scope.post('/teams/:teamId/records/:referralId/remove', records.remove);
  });
  group(app, [fullAccess, requireTeam(services, canViewSpecialists)], (scope) => {
    scope.post('/teams/:teamId/specialists/:specialistId', organisations.specialist);
  });
  group(app, [fullAccess, requireService(services, canViewServiceSummary)], (scope) => {
    scope.get('/services/:serviceId', organisations.service);
    scope.get('/services/:serviceId/dashboard', dashboards.service);
    scope.get('/services/:serviceId/fidelity', fidelity.history);
    scope.get('/services/:serviceId/fidelity/:reviewId', fidelity.review);
  });
  group(app, [fullAccess, requireService(services, canDrillThroughService)], (scope) => {
    scope.get('/services/:serviceId/records', records.listService);
  });
  group(app, [fullAccess, requireService(services, canRecordFidelityReviews)], (scope) => {
    scope.get('/services/:serviceId/fidelity/new', fidelity.showForm);
    scope.post('/services/:serviceId/fidelity/new', fidelity.record);
  });
  group(app, [fullAccess, requireService(services, canSetServiceReferralSources)], (scope) => {
    scope.get('/services/:serviceId/referral-sources', referralSources.show);
    scope.post('/services/:serviceId/referral-sources', referralSources.save);
    scope.get('/services/:serviceId/template.xlsx', referralSources.serviceTemplate);
  });
  group(app, [fullAccess, requireService(services, canSetServiceTargets)], (scope) => {
    scope.get('/services/:serviceId/targets', targets.showService);
    scope.post('/services/:serviceId/targets', targets.saveService);
  });
  group(app, [fullAccess, requireService(services, canSubmitReturn)], (scope) => {
    scope.get('/services/:serviceId/returns', returns.list);
    scope.get('/services/:serviceId/returns/:icsId/:quarter/edit', returns.edit);
    scope.post('/services/:serviceId/returns/:icsId/:quarter/edit', returns.save);
    scope.get('/services/:serviceId/returns/:icsId/:quarter/preview', returns.preview);
    scope.post('/services/:serviceId/returns/:icsId/:quarter/submit', returns.submit);
    scope.get('/services/:serviceId/returns/:icsId/:quarter/submitted', returns.submitted);
  });
  // Area leads pass this gate for any service in their area; the return's own ICS and whether
  // it has been submitted are checked by the handler.
  group(
    app,
    [fullAccess, requireService(services, (viewer, place) => canViewReturn(viewer, place, true))],
    (scope) => {
      scope.get('/services/:serviceId/returns/:icsId/:quarter', returns.view);
    },
  );
  group(app, [fullAccess, requireArea(services)], (scope) => {
    scope.get('/areas/england/returns', returns.area);
    scope.get('/areas/regions/:regionId/returns', returns.area);
    scope.get('/areas/icss/:icsId/returns', returns.area);
  });
  group(app, [fullAccess, requirePermission(canSetReturnDeadlines)], (scope) => {
    scope.post('/areas/england/returns/deadline', returns.setDeadline);
  });
  group(app, [fullAccess, requireArea(services)], (scope) => {
    scope.get('/areas/england', organisations.area);
    scope.get('/areas/regions/:regionId', organisations.area);
    scope.get('/areas/icss/:icsId', organisations.area);
    scope.get('/areas/england/dashboard', dashboards.area);
    scope.get('/areas/regions/:regionId/dashboard', dashboards.area);
    scope.get('/areas/icss/:icsId/dashboard', dashboards.area);
    scope.get('/areas/england/fidelity', fidelity.area);
    scope.get('/areas/regions/:regionId/fidelity', fidelity.area);
    scope.get('/areas/icss/:icsId/fidelity', fidelity.area);
  });

  group(app, [fullAccess, requirePermission(canAdminister)], (scope) => {
    scope.get('/admin', people.index);
    scope.get('/admin/access-requests', people.accessRequests);
    scope.get('/admin/access-requests/:requestId', people.accessRequest);
    scope.post('/admin/access-requests/:requestId/approve', people.approve);
    scope.post('/admin/access-requests/:requestId/reject', people.reject);
    scope.get('/admin/accounts', people.accounts);
    scope.get('/admin/accounts/:accountId', people.account);
    scope.post('/admin/accounts/:accountId/roles', people.addRole);
    scope.post('/admin/accounts/:accountId/roles/:assignmentId/remove', people.removeRole);
    scope.post('/admin/accounts/:accountId/transfer', people.transferRoles);
    scope.post('/admin/accounts/:accountId/unlock', people.accountAction('unlock'));
    scope.post(
      '/admin/accounts/:accountId/remove-two-factor',
      people.accountAction('remove-two-factor'),
    );
    scope.post(
      '/admin/accounts/:accountId/sign-out-everywhere',
      people.accountAction('sign-out-everywhere'),
    );
    scope.get('/admin/services', organisationAdmin.services);
    scope.post('/admin/services', organisationAdmin.createService);
    scope.get('/admin/services/:serviceId', organisationAdmin.service);
    scope.post('/admin/services/:serviceId', organisationAdmin.renameService);
    scope.post('/admin/services/:serviceId/teams', organisationAdmin.createTeam);
    scope.get('/admin/teams/:teamId', organisationAdmin.team);
    scope.post('/admin/teams/:teamId', organisationAdmin.updateTeam);
    scope.get('/admin/agreements', governanceAdmin.agreements);
    scope.get('/admin/agreements/:kind', governanceAdmin.agreement);
    scope.post('/admin/agreements/:kind', governanceAdmin.publish);
    scope.get('/admin/audit', governanceAdmin.audit);
    scope.get('/admin/resources', help.adminResources);
    scope.get('/admin/resources/new', help.newResource);
    scope.post('/admin/resources', help.saveResource);
    scope.get('/admin/resources/:resourceId', help.editResource);
    scope.post('/admin/resources/:resourceId', help.saveResource);
    scope.get('/admin/problem-reports', help.problemReports);
    scope.post('/admin/problem-reports/:reportId/resolve', help.resolveProblem);
    // Who signs in how is administration of users, so it is the same permission.
    scope.get('/admin/single-sign-on', singleSignOnAdmin.domains);
    scope.post('/admin/single-sign-on', singleSignOnAdmin.add);
    scope.post('/admin/single-sign-on/remove', singleSignOnAdmin.remove);
  });

  // The API: a bearer token instead of a session.
  const apiToken = requireApiToken(services);
  group(app, [apiToken], (scope) => {
    scope.get('/api/v1/me', { config: { rateLimit: RATE_LIMITS.api } }, api.me);
    scope.get('/api/v1/metrics', { config: { rateLimit: RATE_LIMITS.api } }, metricsApi.metrics);
    scope.get('/api/v1/targets', { config: { rateLimit: RATE_LIMITS.api } }, targetsApi.progress);
    scope.put('/api/v1/targets', { config: { rateLimit: RATE_LIMITS.api } }, targetsApi.set);
    scope.get('/api/v1/returns', { config: { rateLimit: RATE_LIMITS.api } }, returnsApi.list);
  });
  group(app, [apiToken, requireTeam(services, canUploadForTeam)], (scope) => {
    scope.post(
      '/api/v1/teams/:teamId/uploads',
      { config: { rateLimit: RATE_LIMITS.api } },
      uploadApi.upload,
    );
  });
}

/** A route group: its routes, behind its gates, run in order. */
function group(
  app: FastifyInstance,
  gates: ReadonlyArray<preHandlerAsyncHookHandler>,
  routes: (scope: FastifyInstance) => void,
): void {
  app.register(async (scope) => {
    for (const gate of gates) scope.addHook('preHandler', gate);
    routes(scope);
  });
}
