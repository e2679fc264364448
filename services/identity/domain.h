#ifndef PELITA_SERVICES_IDENTITY_DOMAIN_H_
#define PELITA_SERVICES_IDENTITY_DOMAIN_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/role/role.h"
#include "pelita/identity/v1/identity.pb.h"

namespace pelita::identity {

// How an account is named: an ASN by NIP, anyone else by e-mail address.
enum class IdKind { kNip, kEmail };

// `account_id` must be an 18-digit NIP (lib/ids ParseNip) or an e-mail
// address (one '@', a dot in the domain, lower case, at most 128 printable
// ASCII characters: it travels as the token's `sub` and in gRPC metadata).
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<IdKind> ParseAccountId(absl::string_view field, absl::string_view account_id);

// The roles an account of a regency may hold (SPEC §6), not the machine
// role national_integrator (service accounts) nor platform_admin.
bool IsAccountRole(Role role);

// The account rules, all fields at once: a known account role; participant
// and supervisor by NIP; the reach that the role needs and no other —
// agency_head a unit of the tenant, instructor one to 100 cohorts of the
// tenant, province the tenant's province; `field` prefixes the field names.
absl::Status ValidateAccount(absl::string_view field, absl::string_view tenant, IdKind kind,
                             const v1::Account& account);

// Passwords: 10 to 128 bytes of valid UTF-8 (NIST SP 800-63B §5.1.1.2 asks
// at least 8; no composition rules).
absl::Status ValidatePassword(absl::string_view field, absl::string_view password);

// The growing delay after `failures` consecutive failed sign-ins: none for
// the first `free` failures, then 1 s doubling up to `cap`.
absl::Duration ThrottleDelay(int failures, int free, absl::Duration cap);

}  // namespace pelita::identity

#endif  // PELITA_SERVICES_IDENTITY_DOMAIN_H_
