#include "services/integration/push/outbox.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/log/log.h"
#include "lib/siasn/shapes.h"
#include "lib/status/status.h"
#include "lib/time/time.h"

namespace pelita::integration {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

constexpr int kDefaultMaxAttempts = 8;
constexpr double kDefaultRate = 5;

// How a failed step is treated: retried (with backoff) or dead-lettered,
// and the stable code it is recorded under.
struct Verdict {
  bool retryable;
  const char* code;
};

Verdict ClassifySiasn(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return {true, "SIASN_UNAVAILABLE"};
    case absl::StatusCode::kUnauthenticated:
      return {true, "CREDENTIALS_REJECTED"};
    case absl::StatusCode::kNotFound:
      return {false, "NOT_FOUND_IN_SIASN"};
    case absl::StatusCode::kInvalidArgument:
      // An answer that does not parse (the client names the field) is
      // SIASN's or a proxy's garbage, not a refusal: tried again.  Safe even
      // after a save, since every attempt looks in rw-kursus first.
      // upload-dok-rw's unparsable answer carries no field (lib/siasn
      // gives it none), hence the message test.
      if (!siasn::FieldOf(s).empty() || absl::StrContains(s.message(), "malformed JSON")) {
        return {true, "BAD_FIELD"};
      }
      return {false, "SIASN_REJECTED"};
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
      return {false, "SIASN_REJECTED"};
    default:
      return {true, "SIASN_ERROR"};
  }
}

Verdict ClassifySource(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted:
      return {true, "SOURCE_UNAVAILABLE"};
    case absl::StatusCode::kNotFound:
      return {false, "ENROLMENT_NOT_FOUND"};
    case absl::StatusCode::kFailedPrecondition:
      return {false, "NOT_COMPLETED"};
    default:
      return {false, "BAD_ENROLMENT"};
  }
}

// The parent names of an enrolment name (checked by PushIdOf on enqueue).
std::string Prefix(const std::string& enrolment, int parts) {
  std::vector<absl::string_view> p = absl::StrSplit(enrolment, '/');
  p.resize(std::min<size_t>(p.size(), parts));
  return absl::StrJoin(p, "/");
}

// `tenants/{t}/pushes/{id}` -> {t, id}.
absl::StatusOr<std::pair<std::string, std::string>> ParsePushName(const std::string& name) {
  std::vector<std::string> p = absl::StrSplit(name, '/');
  if (p.size() != 4 || p[0] != "tenants" || p[1].empty() || p[2] != "pushes" || p[3].empty()) {
    return InvalidField("name", absl::StrCat("not a push name (tenants/{t}/pushes/{id}): ", name));
  }
  return std::make_pair(p[1], p[3]);
}

}  // namespace

Outbox::Outbox(redis::Client* redis, ConnectionSource* connections, SiasnClients* clients, RateLimiter* limiter,
               FailureSink* failures, PushSources* sources, Options options)
    : connections_(connections),
      clients_(clients),
      limiter_(limiter),
      failures_(failures),
      sources_(sources),
      options_(std::move(options)),
      store_(redis, PushStore::Options{options_.base_backoff, options_.max_backoff, options_.jitter, options_.seed,
                                       options_.clock}) {}

Outbox::~Outbox() { Stop(); }

void Outbox::Start(absl::Duration interval) {
  // Errors are logged per tenant; the next round retries.
  loop_.Start(interval, [this] { (void)PollOnce(); });
}

void Outbox::Stop() { loop_.Stop(); }

absl::StatusOr<bool> Outbox::Enqueue(const std::string& tenant, const std::string& enrolment,
                                     const std::string& nip) {
  PELITA_ASSIGN_OR_RETURN(auto r, store_.Enqueue(tenant, enrolment, nip));
  return r.second;
}

absl::StatusOr<Outbox::Result> Outbox::PollOnce() {
  Result total;
  absl::Status first_error;
  for (const auto& t : connections_->EnabledTenants()) {
    auto r = PollTenant(t);
    if (!r.ok()) {
      LogWarning("push outbox poll failed", {{"tenant", t}, {"error", r.status().ToString()}});
      if (first_error.ok()) first_error = r.status();
      continue;
    }
    total.done += r->done;
    total.failed += r->failed;
    total.dead += r->dead;
    total.released += r->released;
  }
  if (!first_error.ok()) return first_error;
  return total;
}

absl::StatusOr<Outbox::Result> Outbox::PollTenant(const std::string& tenant) {
  // The connection and its client first: a tenant that cannot talk to SIASN
  // (switched off meanwhile, credentials not mounted) leaves its pushes
  // untouched rather than spending their attempts.
  PELITA_ASSIGN_OR_RETURN(Connection connection, connections_->Get(tenant));
  if (!connection.settings.enabled()) return Result{};
  PELITA_ASSIGN_OR_RETURN(std::shared_ptr<siasn::SiasnClient> client, clients_->For(tenant));
  Result result;
  absl::Status first_error;
  // One claim per push, just before working it, so that each lease counts
  // from the start of its own work: claiming a whole batch at once would
  // let the leases of its last pushes run out while SIASN answers the first
  // ones slowly, and a second worker in.
  std::set<std::string> worked;
  for (int i = 0; i < options_.batch; ++i) {
    PELITA_ASSIGN_OR_RETURN(std::vector<v1::Push> claimed, store_.Claim(tenant, 1, options_.lease, options_.owner));
    if (claimed.empty()) break;
    v1::Push& p = claimed[0];
    const std::string name = p.name();
    if (!worked.insert(name).second) {
      // Failed this round and already due again (a jittered delay near
      // zero): left for the next round rather than tried in a loop.
      const std::string id = name.substr(name.rfind('/') + 1);
      PELITA_RETURN_IF_ERROR(store_.Release(tenant, id, options_.owner).status());
      break;
    }
    auto outcome = Work(tenant, connection, client.get(), std::move(p));
    if (!outcome.ok()) {
      // A store error (Redis down, the lease lost): the push keeps its lease
      // and is claimed again when it ends.
      LogWarning("push failed in the store", {{"push", name}, {"error", outcome.status().ToString()}});
      if (first_error.ok()) first_error = outcome.status();
      continue;
    }
    switch (*outcome) {
      case Outcome::kDone: ++result.done; break;
      case Outcome::kFailed: ++result.failed; break;
      case Outcome::kDead: ++result.dead; break;
      case Outcome::kReleased: ++result.released; break;
    }
    if (options_.on_ended && (*outcome == Outcome::kDone || *outcome == Outcome::kDead)) {
      options_.on_ended(tenant, *outcome == Outcome::kDone ? "done" : "dead");
    }
  }
  if (!first_error.ok()) return first_error;
  return result;
}

bool Outbox::Acquire(const std::string& tenant, const Connection& connection) {
  const double rate = connection.settings.rate_limit_per_second() > 0 ? connection.settings.rate_limit_per_second()
                                                                      : kDefaultRate;
  return limiter_->Acquire(tenant, rate, absl::Now() + options_.rate_wait);
}

absl::StatusOr<Outbox::Outcome> Outbox::Failed(const std::string& tenant, const Connection& connection,
                                               const v1::Push& push, const absl::Status& error, const char* step,
                                               bool from_siasn) {
  const Verdict v = from_siasn ? ClassifySiasn(error) : ClassifySource(error);
  const std::string message = absl::StrCat(step, ": ", absl::StatusCodeToString(error.code()), ": ", error.message());
  v1::Failure f;
  f.set_kind("push");
  f.set_employee(absl::StrCat("tenants/", tenant, "/employees/", push.nip()));
  f.set_push(push.name());
  f.set_code(v.code);
  f.set_field(siasn::FieldOf(error));
  f.set_raw_value(siasn::RawValueOf(error));
  f.set_message(message);
  if (absl::Status s = failures_->Record(tenant, std::move(f)); !s.ok()) {
    LogWarning("push failure not recorded", {{"push", push.name()}, {"error", s.ToString()}});
  }
  const int max_attempts =
      connection.settings.max_attempts() > 0 ? connection.settings.max_attempts() : kDefaultMaxAttempts;
  const std::string id = push.name().substr(push.name().rfind('/') + 1);
  PELITA_ASSIGN_OR_RETURN(v1::Push after,
                          store_.Fail(tenant, id, absl::StrCat(v.code, " ", message), v.retryable,
                                      from_siasn ? siasn::RetryAfter(error) : std::nullopt, max_attempts,
                                      options_.owner));
  if (after.state() == v1::Push::DEAD) {
    LogWarning("push dead-lettered", {{"push", push.name()}, {"error", message}});
    return Outcome::kDead;
  }
  return Outcome::kFailed;
}

absl::StatusOr<Outbox::Outcome> Outbox::Work(const std::string& tenant, const Connection& connection,
                                             siasn::SiasnClient* client, v1::Push push) {
  const std::string id = push.name().substr(push.name().rfind('/') + 1);
  const v1::SiasnConnection& settings = connection.settings;
  auto release = [&]() -> absl::StatusOr<Outcome> {
    PELITA_RETURN_IF_ERROR(store_.Release(tenant, id, options_.owner).status());
    return Outcome::kReleased;
  };

  auto enrolment = sources_->GetEnrolment(tenant, push.enrolment());
  if (!enrolment.ok()) return Failed(tenant, connection, push, enrolment.status(), "enrolment", false);
  if (enrolment->state() != ev1::Enrolment::COMPLETED) {
    return Failed(tenant, connection, push,
                  absl::FailedPreconditionError(absl::StrCat(
                      "the enrolment is no longer completed (", ev1::Enrolment::State_Name(enrolment->state()), ")")),
                  "enrolment", false);
  }
  const std::string certificate = enrolment->certificate_number();
  if (certificate.empty()) {
    return Failed(tenant, connection, push, absl::InvalidArgumentError("the enrolment has no certificate number"),
                  "enrolment", false);
  }
  if (push.siasn_record_id().empty()) {
    // a) Look before posting: a save whose answer was lost is found here.
    if (!Acquire(tenant, connection)) return release();
    auto found = client->FindKursusByCertificate(push.nip(), certificate);
    if (!found.ok()) return Failed(tenant, connection, push, found.status(), "rw-kursus", true);
    std::string record_id;
    bool existing = false;
    if (found->has_value() && !(*found)->id.empty()) {
      record_id = (*found)->id;
      existing = true;
    } else {
      auto program = sources_->GetProgram(tenant, Prefix(push.enrolment(), 4));
      if (!program.ok()) return Failed(tenant, connection, push, program.status(), "program", false);
      auto cohort = sources_->GetCohort(tenant, Prefix(push.enrolment(), 6));
      if (!cohort.ok()) return Failed(tenant, connection, push, cohort.status(), "cohort", false);
      auto start = FromDate(cohort->start_date(), "start_date");
      auto end = FromDate(cohort->end_date(), "end_date");
      if (!start.ok() || !end.ok()) {
        return Failed(tenant, connection, push, !start.ok() ? start.status() : end.status(), "cohort", false);
      }
      if (!Acquire(tenant, connection)) return release();
      auto pns = client->GetDataUtama(push.nip());
      if (!pns.ok()) return Failed(tenant, connection, push, pns.status(), "data-utama", true);

      siasn::KursusSave save;
      save.pns_orang_id = pns->id;
      save.instansi_id = settings.instansi_id();
      save.nama_kursus = program->title();
      save.jumlah_jam = program->jp();
      save.tanggal_kursus = *start;
      save.tanggal_selesai_kursus = *end;
      save.tahun_kursus = static_cast<int>(end->year());
      save.institusi_penyelenggara = options_.institusi ? options_.institusi(tenant, settings)
                                     : settings.instansi_id().empty()
                                         ? absl::StrCat("BKPSDM ", tenant)
                                         : absl::StrCat("BKPSDM instansi ", settings.instansi_id());
      save.jenis_diklat_id = settings.jenis_diklat_id().empty() ? "3" : settings.jenis_diklat_id();
      save.nomor_sertipikat = certificate;
      if (!Acquire(tenant, connection)) return release();
      // The lease is renewed right before the save, so that however long
      // the steps before it took, no second worker can claim this push
      // (and, finding nothing in rw-kursus yet, save it again) while the
      // save is on the wire: the save takes at most the client's timeout,
      // far less than a lease.  Lost to another worker: stop, unsaved.
      PELITA_RETURN_IF_ERROR(store_.Renew(tenant, id, options_.lease, options_.owner));
      auto saved = client->SaveKursus(save);
      if (!saved.ok()) return Failed(tenant, connection, push, saved.status(), "kursus/save", true);
      record_id = *saved;
    }
    // Stored at once: from here on no attempt saves again.
    PELITA_ASSIGN_OR_RETURN(push, store_.MarkSaved(tenant, id, record_id, existing, options_.owner, certificate));
  }

  // b) The certificate.
  auto pdf = sources_->GetCertificate(tenant, push.enrolment());
  if (!pdf.ok()) return Failed(tenant, connection, push, pdf.status(), "certificate", false);
  siasn::DokumenUpload upload;
  upload.id_riwayat = push.siasn_record_id();
  upload.id_ref_dokumen = settings.certificate_document_type();
  upload.content = pdf->data();
  if (!pdf->content_type().empty()) upload.content_type = pdf->content_type();
  upload.file_name = absl::StrCat("sertifikat-", id, ".pdf");
  if (!Acquire(tenant, connection)) return release();
  if (absl::Status s = client->UploadDokRw(upload); !s.ok()) {
    return Failed(tenant, connection, push, s, "upload-dok-rw", true);
  }
  PELITA_RETURN_IF_ERROR(store_.MarkDone(tenant, id, options_.owner).status());
  return Outcome::kDone;
}

absl::StatusOr<v1::ListPushesResponse> Outbox::List(const v1::ListPushesRequest& request) {
  std::vector<std::string> p = absl::StrSplit(request.parent(), '/');
  if (p.size() != 2 || p[0] != "tenants" || p[1].empty()) {
    return InvalidField("parent", absl::StrCat("not a tenant (tenants/{t}): ", request.parent()));
  }
  if (!v1::Push::State_IsValid(request.state())) return InvalidField("state", "unknown state");
  if (request.page_size() < 0) return InvalidField("page_size", "must not be negative");
  return store_.List(p[1], request.state(), request.page_size(), request.page_token());
}

absl::StatusOr<v1::Push> Outbox::Get(const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto tid, ParsePushName(name));
  return store_.Get(tid.first, tid.second);
}

absl::StatusOr<v1::Push> Outbox::Retry(const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto tid, ParsePushName(name));
  return store_.Retry(tid.first, tid.second);
}

absl::StatusOr<PushCounts> Outbox::Counts(const std::string& tenant) { return store_.Counts(tenant); }

}  // namespace pelita::integration
