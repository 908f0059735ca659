/**
 * Grafana's user endpoints as 9.2 and 11.1 answer them (data only). The reference files name
 * these endpoints only as PMM's api-tests use them (pmm-auth §5); the texts here are read from
 * Grafana's source: pkg/api/admin_users.go (AdminCreateUser, AdminUpdateUserPassword,
 * AdminDeleteUser), pkg/api/org_users.go (updateOrgUserHelper, GetOrgUsersForCurrentOrg),
 * pkg/api/users.go (GetUserByLoginOrEmail), pkg/services/user/password.go (10.4+). Versions were
 * matched by content (a 9.2-era file; 11.1 between the 10.x and 12.x files read), so each 11.1 fact
 * not seen in a 10.x–12.x file alike is marked LIKELY.
 */
import type { UserFacts } from './types.ts';

/** Grafana 9.2 (a 9.2-era pkg/api/admin_users.go and org_users.go, read). */
export const USERS_9_2: UserFacts = {
  errors: {
    // `response.Error(400, "bad request data", err)` after web.Bind: an error is attached → traceID.
    badRequest: { status: 400, message: 'bad request data', traceID: true },
    idInvalid: { status: 400, message: 'id is invalid', traceID: true },
    userIdInvalid: { status: 400, message: 'userId is invalid', traceID: true },
    loginOrEmailMissing: {
      status: 400,
      message: 'Validation error, need specify either username or email',
      traceID: false,
    },
    passwordTooShort: { status: 400, message: 'Password is missing or too short', traceID: false },
    newPasswordTooShort: { status: 400, message: 'New password too short', traceID: false },
    // 412 with the form's raw email and login.
    alreadyExists: { status: 412, message: "User with email '%s' or username '%s' already exists", traceID: true },
    // org.ErrOrgNotFound's text (LIKELY), no error attached.
    orgNotFound: { status: 400, message: 'organization not found', traceID: false },
    notFound: { status: 404, message: 'user not found', traceID: false },
    // AdminUpdateUserPassword: an unknown id fails the user read → 500, not 404.
    passwordUserUnreadable: { status: 500, message: 'Could not read user from database', traceID: true },
    // (grafana-auth §1.2: an invalid role already fails binding, so "Invalid role specified" is unreachable;
    // the role ceiling never fires either: only an org Admin passes RBAC, and Admin includes every role.)
    lastAdmin: {
      status: 400,
      message: 'Cannot change role so that there is no organization admin left',
      traceID: false,
    },
    // An unknown user id: the store's ErrOrgUserNotFound is not matched → 500 (LIKELY).
    orgUserUpdateFailed: { status: 500, message: 'Failed update org user', traceID: true },
  },
  // `len(cmd.Password) < 4` is refused.
  minPasswordLength: 4,
  createAnswerUid: false,
  orgUserExtraFields: false,
  lookupExternallySynced: false,
};

/** Grafana 11.1 (LIKELY throughout: between the 10.x and 12.x files read). */
export const USERS_11_1: UserFacts = {
  errors: {
    ...USERS_9_2.errors,
    // pkg/services/user/password.go: errutil `password-policy-too-short` (public message read); min 5 with the policy off.
    passwordTooShort: {
      status: 400,
      message: 'New password is too short',
      traceID: true,
      messageId: 'password-policy-too-short',
    },
    newPasswordTooShort: {
      status: 400,
      message: 'New password is too short',
      traceID: true,
      messageId: 'password-policy-too-short',
    },
  },
  // password.go: `len(password) <= 4` is too short without the strong-password policy.
  minPasswordLength: 5,
  // The create answer gained `uid` between 10.x (without) and 12.x (with): LIKELY in 11.1.
  createAnswerUid: true,
  orgUserExtraFields: true,
  lookupExternallySynced: true,
};
