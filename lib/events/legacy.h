#ifndef PELITA_LIB_EVENTS_LEGACY_H_
#define PELITA_LIB_EVENTS_LEGACY_H_

#include <memory>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "lib/events/follower.h"

namespace pelita::events {

// Decoders for the entries of today's two streams, written before events
// were typed (string field maps), for Follower::SetLegacyDecoder.  They let a
// follower migrated to lib/events keep handling entries that are still in a
// stream (retention is up to MAXLEN) and entries written by a publisher that
// is not migrated yet.  Remove them once no publisher writes the old format
// and the old entries have been trimmed away.

// `enrolment:{t}:events`, as enrolment wrote it before EnrolmentCompleted:
// fields type=enrolment.completed, enrolment (the resource name), nip, unit,
// cohort_start and cohort_end (YYYYMMDD), time_ms (Unix milliseconds).
// Such an entry becomes pelita.enrolment.v1.EnrolmentCompleted; entries of
// other types are no event of interest (nullptr).  A bad cohort date or
// time is INVALID_ARGUMENT.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DecodeLegacyEnrolmentEntry(
    const EventContext& context, const Fields& fields);

// `survey:{t}:responses`, as survey wrote it before ResponseAccepted:
// fields name, instrument, instrument_kind (lower case), cohort, unit,
// time (RFC 3339), payload (the stored pelita.survey.v1.Response, binary)
// and, for a replacement, replaces.  Every entry becomes
// pelita.survey.v1.ResponseAccepted, with the stored Response from
// `payload` (the one decoding of that format, instead of a copy per
// follower).  A payload that does not parse is DATA_LOSS.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DecodeLegacySurveyEntry(
    const EventContext& context, const Fields& fields);

}  // namespace pelita::events

#endif  // PELITA_LIB_EVENTS_LEGACY_H_
