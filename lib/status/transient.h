#ifndef PELITA_LIB_STATUS_TRANSIENT_H_
#define PELITA_LIB_STATUS_TRANSIENT_H_

#include "absl/status/status.h"

namespace pelita {

// Whether an error may go away by itself, so that the same work should be
// tried again later rather than given up.  The one definition for every
// retry decision in Pelita (stream followers, outboxes, clients):
//
//   transient   UNAVAILABLE         Redis or a peer is down or failing over
//               DEADLINE_EXCEEDED   a timeout; the peer may be slow right now
//               ABORTED             a lost optimistic-concurrency race (CAS)
//               RESOURCE_EXHAUSTED  a rate limit or quota (the gateway's 429)
//               CANCELLED           the call was cancelled (e.g. at shutdown)
//   permanent   everything else: the input is wrong (INVALID_ARGUMENT,
//               OUT_OF_RANGE), refers to what is not there (NOT_FOUND) or is
//               not allowed (PERMISSION_DENIED, FAILED_PRECONDITION,
//               ALREADY_EXISTS), or the code or data are broken (INTERNAL,
//               DATA_LOSS, UNIMPLEMENTED, UNKNOWN): retrying the same work
//               gives the same answer.
//
// INTERNAL is permanent on purpose: it means a bug or a corrupt record, and
// retrying it forever would block whatever waits behind it.  Redis states
// that do pass (LOADING, READONLY, TRYAGAIN, CLUSTERDOWN) are UNAVAILABLE
// in lib/redis, not INTERNAL.  OK is not transient.
bool IsTransient(const absl::Status& status);

}  // namespace pelita

#endif  // PELITA_LIB_STATUS_TRANSIENT_H_
